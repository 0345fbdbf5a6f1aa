package io.creditscorer.security;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * With authentication off, every caller, anonymous included, holds the data-plane roles, so the
 * same role checks guard the endpoints either way; model control keeps needing a key. With it on,
 * identities are left as their token or key made them.
 */
@ApplicationScoped
public class OpenDataPlane implements SecurityIdentityAugmentor {

  private static final Logger LOG = Logger.getLogger(OpenDataPlane.class);

  private final boolean open;

  /** The anonymous caller with the data-plane roles. */
  private final Uni<SecurityIdentity> anonymous =
      Uni.createFrom()
          .item(
              QuarkusSecurityIdentity.builder()
                  .setAnonymous(true)
                  .setPrincipal(new QuarkusPrincipal(""))
                  .addRoles(Roles.DATA_PLANE)
                  .build());

  public OpenDataPlane(AuthSettings settings) {
    this.open = !settings.enabled();
  }

  void onStart(@Observes StartupEvent event) {
    if (open) {
      LOG.warn(
          "scorer.auth.enabled is false: anyone who reaches the REST and gRPC ports may score,"
              + " report outcomes and read performance. Turn it on wherever the service is deployed.");
    }
  }

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (!open) {
      return Uni.createFrom().item(identity);
    }
    if (identity.isAnonymous()) {
      return anonymous; // every anonymous caller is the same: built once, not per request
    }
    return Uni.createFrom()
        .item(QuarkusSecurityIdentity.builder(identity).addRoles(Roles.DATA_PLANE).build());
  }
}
