package io.creditscorer.api.rest;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The REST door's server span, in place of Quarkus' Vert.x HTTP instrumentation ({@code
 * quarkus.otel.instrument.vertx-http=false}), which extracts a dozen attributes before the sampler
 * has spoken. Here the sampler decides first, on the caller's {@code traceparent}: a request it
 * drops that came without trace context gets no span and no trace context at all (its log lines
 * carry no trace id, a 500 gets a random incident id); one with a caller's context carries that
 * context (so its logs and a 500's incident id name the caller's trace) even when not recorded; a
 * recorded one gets the HTTP semantic-convention attributes, named by its route.
 *
 * <p>The query string is not recorded: it is the one part of a URL a caller fills freely.
 */
@ApplicationScoped
public class ServerSpans {

  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> SERVER = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> CLIENT = AttributeKey.stringKey("client.address");
  static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("network.protocol.version");
  static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** Where Quarkus REST leaves the matched resource's path template on the request's context. */
  private static final String PATH_TEMPLATE = "UrlPathTemplate";

  private static final TextMapGetter<HttpServerRequest> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest request) {
          return request.headers().names();
        }

        @Override
        public String get(HttpServerRequest request, String key) {
          return request == null ? null : request.getHeader(key);
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final boolean enabled;

  public ServerSpans(
      OpenTelemetry otel,
      @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean disabled) {
    this.tracer = otel.getTracer(ServerSpans.class.getName());
    this.propagator = otel.getPropagators().getTextMapPropagator();
    this.enabled = !disabled;
  }

  void install(@Observes Router router) {
    if (enabled) {
      // First of all handlers, so refusals (429, 401, 413) are traced as well.
      router.route().order(-400).handler(this::trace);
    }
  }

  void trace(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    boolean propagated = request.headers().contains("traceparent");
    Context parent =
        propagated ? propagator.extract(Context.root(), request, HEADERS) : Context.root();
    Span span =
        tracer
            .spanBuilder(request.method().name())
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .startSpan();
    if (!span.isRecording() && !propagated) {
      rc.next();
      return;
    }
    if (span.isRecording()) {
      started(span, request);
    }
    io.vertx.core.Context vertx = Vertx.currentContext();
    Scope scope = parent.with(span).makeCurrent();
    rc.addEndHandler(
        done -> {
          ended(span, rc, vertx);
          scope.close();
        });
    rc.next();
  }

  private static void started(Span span, HttpServerRequest request) {
    span.setAttribute(METHOD, request.method().name());
    span.setAttribute(SCHEME, request.scheme());
    span.setAttribute(PATH, request.path());
    SocketAddress local = request.localAddress();
    if (local != null) {
      span.setAttribute(SERVER, local.hostAddress());
      span.setAttribute(SERVER_PORT, (long) local.port());
    }
    SocketAddress remote = request.remoteAddress();
    if (remote != null) {
      span.setAttribute(CLIENT, remote.hostAddress());
    }
    span.setAttribute(PROTOCOL, protocol(request));
    String agent = request.getHeader("user-agent");
    if (agent != null) {
      span.setAttribute(USER_AGENT, agent);
    }
  }

  private static void ended(Span span, RoutingContext rc, io.vertx.core.Context vertx) {
    if (!span.isRecording()) {
      return;
    }
    int status = rc.response().getStatusCode();
    span.setAttribute(STATUS, (long) status);
    Object route = vertx == null ? null : vertx.getLocal(PATH_TEMPLATE);
    if (route != null) {
      span.setAttribute(ROUTE, route.toString());
      span.updateName(rc.request().method().name() + " " + route);
    }
    if (status >= 500) {
      span.setAttribute(ERROR_TYPE, Integer.toString(status));
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  private static String protocol(HttpServerRequest request) {
    return switch (request.version()) {
      case HTTP_1_0 -> "1.0";
      case HTTP_1_1 -> "1.1";
      case HTTP_2 -> "2";
    };
  }
}
