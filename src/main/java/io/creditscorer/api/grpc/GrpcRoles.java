package io.creditscorer.api.grpc;

import io.creditscorer.security.AuthSettings;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Singleton;
import java.util.function.Consumer;

/**
 * The role check of the gRPC methods that run on the event loop: the caller's identity (set by the
 * security stack from the call's bearer token) is awaited without blocking the loop, and the call
 * goes on only with the role. {@code @RolesAllowed} guards the blocking methods; on a loop it would
 * have to block for the identity.
 */
@Singleton
public class GrpcRoles {

  private final CurrentIdentityAssociation identity;
  private final boolean enabled;

  public GrpcRoles(CurrentIdentityAssociation identity, AuthSettings settings) {
    this.identity = identity;
    this.enabled = settings.enabled();
  }

  /** Whether the data plane's roles are checked ({@code scorer.auth.enabled}). */
  boolean enabled() {
    return enabled;
  }

  /**
   * Runs {@code call} with the caller's name once the caller is known to hold {@code role} (at
   * once, with no name, while authentication is off: no security work per call); else fails {@code
   * out}.
   */
  public void require(String role, StreamObserver<?> out, Consumer<String> call) {
    if (!enabled) {
      call.accept(null);
      return;
    }
    withIdentity(
        id -> {
          if (id.hasRole(role)) {
            call.accept(id.getPrincipal().getName());
          } else {
            out.onError(refusal(id).asRuntimeException());
          }
        },
        out);
  }

  /**
   * Hands the caller's identity to {@code then}; an identity that cannot be had fails {@code out}.
   */
  void withIdentity(Consumer<SecurityIdentity> then, StreamObserver<?> out) {
    identity
        .getDeferredIdentity()
        .subscribe()
        .with(then, failure -> out.onError(GrpcAuthErrors.status(failure).asRuntimeException()));
  }

  /** UNAUTHENTICATED for a caller without valid credentials, else PERMISSION_DENIED. */
  static Status refusal(SecurityIdentity id) {
    return id.isAnonymous()
        ? Status.UNAUTHENTICATED.withDescription("a valid bearer token is required")
        : Status.PERMISSION_DENIED.withDescription("the caller's roles do not allow this call");
  }
}
