package io.creditscorer.api.rest;

import io.creditscorer.security.AuthSettings;
import io.smallrye.context.CleanAutoCloseable;
import io.smallrye.context.SmallRyeThreadContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.context.ThreadContext;
import org.eclipse.microprofile.context.spi.ContextManagerProvider;

/**
 * While authentication is on, Quarkus' authentication (-200) and path authorization (-100) handlers
 * run under a thread context that captures nothing. Mutiny wraps every operator of that chain to
 * capture and restore the current thread context's contexts; by default these include
 * OpenTelemetry's, whose provider is not one of SmallRye's fast ones, so each operator of each
 * request took a snapshot of every context. The chain has nothing to carry: it runs on the event
 * loop in the handlers' own call (a remembered token answers at once), and where it does leave the
 * thread (a token to verify against a remote JWKS) Quarkus resumes it on the request's Vert.x
 * context, where CDI's request context and OpenTelemetry's context live. The handlers after it, the
 * resources included, run with the default thread context again.
 */
@ApplicationScoped
public class AuthChainContexts {

  private final boolean enabled;
  private final SmallRyeThreadContext none =
      (SmallRyeThreadContext)
          ContextManagerProvider.instance()
              .getContextManager()
              .newThreadContextBuilder()
              .propagated()
              .cleared()
              .unchanged(ThreadContext.ALL_REMAINING)
              .build();

  public AuthChainContexts(AuthSettings auth) {
    this.enabled = auth.enabled();
  }

  void install(@Observes Router router) {
    if (enabled) {
      // Around Quarkus' authentication (-200) and authorization (-100), after the failure gate.
      router.route().order(-250).handler(this::enter);
      router.route().order(-90).handler(AuthChainContexts::leave);
    }
  }

  void enter(RoutingContext rc) {
    try (CleanAutoCloseable scope = SmallRyeThreadContext.withThreadContext(none)) {
      rc.next();
    }
  }

  static void leave(RoutingContext rc) {
    try (CleanAutoCloseable scope = SmallRyeThreadContext.withThreadContext(null)) {
      rc.next();
    }
  }
}
