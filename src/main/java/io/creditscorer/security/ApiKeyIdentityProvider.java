package io.creditscorer.security;

import io.creditscorer.control.ApiKeys;
import io.quarkus.arc.Unremovable;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The static model-control keys ({@code scorer.control.admin-keys}, {@code .viewer-keys}) as an
 * identity provider of Quarkus' security stack: a bearer token that is one of the keys becomes an
 * identity with {@link Roles#MODEL_ADMIN} and {@link Roles#MODEL_VIEWER}, or the viewer role alone;
 * any other token is left to the next provider (MicroProfile JWT).
 */
@ApplicationScoped
@Unremovable
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

  /** Quarkus' own default priority of an identity provider. */
  static final int DEFAULT_PRIORITY = 1001;

  private final ApiKeys keys;

  public ApiKeyIdentityProvider(ApiKeys keys) {
    this.keys = keys;
  }

  @Override
  public Class<TokenAuthenticationRequest> getRequestType() {
    return TokenAuthenticationRequest.class;
  }

  @Override
  public int priority() {
    // Above the default of every other provider (MicroProfile JWT's included): a key is checked
    // before anything tries to parse it as a token.
    return 2 * DEFAULT_PRIORITY;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      TokenAuthenticationRequest request, AuthenticationRequestContext context) {
    ApiKeys.Role role = keys.roleOf(request.getToken().getToken());
    if (role == null) {
      return Uni.createFrom().nullItem();
    }
    QuarkusSecurityIdentity.Builder identity =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("api-key:" + role.name().toLowerCase()))
            .addRole(Roles.MODEL_VIEWER);
    if (role == ApiKeys.Role.ADMIN) {
      identity.addRole(Roles.MODEL_ADMIN);
    }
    return Uni.createFrom().item(identity.build());
  }
}
