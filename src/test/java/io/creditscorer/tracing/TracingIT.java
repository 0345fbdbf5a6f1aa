package io.creditscorer.tracing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.PackagedService;
import io.creditscorer.PrometheusServer;
import io.creditscorer.api.grpc.credit.CreditScoringGrpc;
import io.creditscorer.api.grpc.credit.ScoreRequest;
import io.creditscorer.api.rest.CreditApiTest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar exporting traces to a real OTLP receiver, over gRPC and over HTTP/protobuf: a
 * REST and a gRPC call sent with a known {@code traceparent} yield a server span continuing that
 * trace, with the stages as its children and the model as their attributes, and no applicant data
 * in any span; the call's JSON log line carries the same trace id, and the latency histogram an
 * exemplar with it.
 */
class TracingIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final SecureRandom RANDOM = new SecureRandom();

  /** The Accept header Prometheus 2 scrapes with. */
  static final String PROMETHEUS_ACCEPT =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
          + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  static String hex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  @Test
  void restAndGrpcCallsContinueTheCallersTraceOverOtlpGrpc() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.grpc()) {
      followTraces(receiver, "grpc", true);
    }
  }

  @Test
  void spansAreExportedOverOtlpHttpProtobufToo() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.http()) {
      followTraces(receiver, "http/protobuf", false);
    }
  }

  /**
   * @param prometheus whether a real Prometheus (exemplar storage on) scrapes the service too, and
   *     must hold an exemplar of a traced call
   */
  void followTraces(OtlpReceiver receiver, String protocol, boolean prometheus) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "tracing-it");
    List<String> options =
        List.of(
            "-Dquarkus.otel.exporter.otlp.traces.endpoint=" + receiver.endpoint(),
            "-Dquarkus.otel.exporter.otlp.traces.protocol=" + protocol,
            "-Dquarkus.otel.bsp.schedule.delay=100ms",
            "-Dquarkus.log.console.json.enabled=true",
            "-Dquarkus.log.category.\"io.creditscorer.scoring\".level=DEBUG");
    String requestId = "trace-it-request-" + UUID.randomUUID();
    String applicantId = "trace-it-applicant-" + UUID.randomUUID();
    String restTrace = hex(16);
    String restParent = hex(8);
    String grpcTrace = hex(16);
    String grpcParent = hex(8);
    String declinedTrace = hex(16);
    String metrics;
    try (PackagedService service = new PackagedService(dir, options).start()) {
      Map<String, Object> applicant = CreditApiTest.applicant();
      applicant.put("applicant_id", applicantId);
      HttpResponse<String> scored =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(service.uri("/v1/credit/score?version=2"))
                      .header("Content-Type", "application/json")
                      .header("traceparent", "00-" + restTrace + "-" + restParent + "-01")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              JSON.writeValueAsString(
                                  Map.of(
                                      "request_id", requestId, "applicants", List.of(applicant)))))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scored.statusCode(), scored.body());

      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcPort()).usePlaintext().build();
      try {
        Metadata headers = new Metadata();
        headers.put(TRACEPARENT, "00-" + grpcTrace + "-" + grpcParent + "-01");
        CreditScoringGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .score(
                ScoreRequest.newBuilder()
                    .setRequestId(requestId + "-grpc")
                    .setModelVersion("2")
                    .addApplicants(CreditApiTest.struct(applicant))
                    .build());
      } finally {
        channel.shutdownNow();
      }
      // A caller that declined sampling: its trace is continued (the log line names it) but
      // nothing is recorded, and the sampler counts the drop.
      HttpResponse<String> unsampled =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(service.uri("/v1/credit/score?version=2"))
                      .header("Content-Type", "application/json")
                      .header("traceparent", "00-" + declinedTrace + "-" + hex(8) + "-00")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              JSON.writeValueAsString(
                                  Map.of(
                                      "request_id",
                                      requestId + "-declined",
                                      "applicants",
                                      List.of(applicant)))))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, unsampled.statusCode(), unsampled.body());
      await("both calls' spans reached the receiver")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  serverSpan(receiver.spans(), restTrace) != null
                      && serverSpan(receiver.spans(), grpcTrace) != null
                      && names(receiver.spans(), restTrace).contains("decide")
                      && names(receiver.spans(), grpcTrace).contains("decide"));
      metrics = openMetrics(service);
      if (prometheus) {
        assertPrometheusKeepsAnExemplar(dir, service, Set.of(restTrace, grpcTrace));
      }
      service.stop();
    }

    List<Span> spans = receiver.spans();
    Span rest = serverSpan(spans, restTrace);
    assertEquals(restParent, HexFormat.of().formatHex(rest.getParentSpanId().toByteArray()));
    assertEquals("POST", attribute(rest, "http.request.method"));
    assertEquals("200", attribute(rest, "http.response.status_code"));
    assertEquals("/v1/credit/score", attribute(rest, "http.route"));
    assertEquals("POST /v1/credit/score", rest.getName());
    assertEquals("127.0.0.1", attribute(rest, "client.address"));
    assertTrue(inTrace(spans, declinedTrace).isEmpty(), "a declined trace was recorded");
    Span grpc = serverSpan(spans, grpcTrace);
    assertEquals(grpcParent, HexFormat.of().formatHex(grpc.getParentSpanId().toByteArray()));
    assertEquals("grpc", attribute(grpc, "rpc.system"));

    for (String trace : List.of(restTrace, grpcTrace)) {
      Set<String> names = names(spans, trace);
      assertTrue(
          names.containsAll(Set.of("encode", "decide", "inference", "queue_wait")),
          trace + ": " + names);
      for (Span s : inTrace(spans, trace)) {
        if (Set.of("encode", "decide", "inference", "queue_wait").contains(s.getName())) {
          assertEquals("credit-risk", attribute(s, "scorer.model.name"), s.getName());
          assertEquals("2", attribute(s, "scorer.model.version"), s.getName());
          assertTrue(descendsFrom(s, serverSpan(spans, trace), spans), s.getName());
        }
      }
    }
    // No span, of any trace, carries an id or a field of the applicant.
    List<String> values = new ArrayList<>();
    for (Span s : spans) {
      s.getAttributesList().forEach(a -> values.add(a.getKey() + "=" + text(a.getValue())));
    }
    receiver
        .resources()
        .forEach(
            r ->
                r.getResource()
                    .getAttributesList()
                    .forEach(a -> values.add(a.getKey() + "=" + text(a.getValue()))));
    for (String secret :
        List.of(requestId, applicantId, "critical/other existing credit", "radio/tv")) {
      assertFalse(
          values.stream().anyMatch(v -> v.contains(secret)),
          secret + " is in a span attribute: " + values);
    }

    // The REST call's log line is JSON and carries its trace id.
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("service.log"))) {
      if (line.startsWith("{")) {
        lines.add(JSON.readTree(line));
      }
    }
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.path("message").asText().startsWith("credit call to credit-risk/2")
                        && restTrace.equals(l.at("/mdc/traceId").asText())),
        "no JSON log line of the call with trace id " + restTrace);

    assertTrue(
        lines.stream().anyMatch(l -> declinedTrace.equals(l.at("/mdc/traceId").asText())),
        "no JSON log line carries the declined trace's id " + declinedTrace);
    assertTrue(
        counted(metrics, "dropped") >= 1, "no dropped span counted: " + counterLines(metrics));
    assertTrue(
        counted(metrics, "recorded") >= 2, "recorded spans not counted: " + counterLines(metrics));

    // The latency histogram has an exemplar of a traced call.
    assertTrue(
        metrics
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("scorer_requests_seconds_bucket")
                        && (l.contains("trace_id=\"" + restTrace + "\"")
                            || l.contains("trace_id=\"" + grpcTrace + "\""))),
        "no exemplar with either trace id");
  }

  /**
   * A real Prometheus with exemplar storage scrapes the service until it holds such an exemplar.
   */
  static void assertPrometheusKeepsAnExemplar(Path dir, PackagedService service, Set<String> traces)
      throws Exception {
    PrometheusServer prometheus =
        PrometheusServer.start(
            dir,
            PrometheusServer.job("credit-scorer", service.uri("/q/metrics").getAuthority()),
            "--enable-feature=exemplar-storage");
    try {
      long now = System.currentTimeMillis() / 1000;
      java.net.URI query =
          java.net.URI.create(
              prometheus.base()
                  + "/api/v1/query_exemplars?query=scorer_requests_seconds_bucket&start="
                  + (now - 600)
                  + "&end="
                  + (now + 600));
      HttpClient http = HttpClient.newHttpClient();
      await("Prometheus holds an exemplar of a traced call")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> {
                String body =
                    http.send(
                            HttpRequest.newBuilder(query).GET().build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body();
                return traces.stream().anyMatch(t -> body.contains("\"" + t + "\""));
              });
    } finally {
      prometheus.close();
    }
  }

  static String openMetrics(PackagedService service) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(service.uri("/q/metrics"))
                    .header("Accept", PROMETHEUS_ACCEPT)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  static List<String> counterLines(String metrics) {
    return metrics.lines().filter(l -> l.startsWith("scorer_tracing_spans_total")).toList();
  }

  static double counted(String metrics, String decision) {
    return counterLines(metrics).stream()
        .filter(l -> l.contains("decision=\"" + decision + "\""))
        .mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
        .sum();
  }

  static List<Span> inTrace(List<Span> spans, String trace) {
    return spans.stream()
        .filter(s -> HexFormat.of().formatHex(s.getTraceId().toByteArray()).equals(trace))
        .toList();
  }

  static Set<String> names(List<Span> spans, String trace) {
    return inTrace(spans, trace).stream().map(Span::getName).collect(Collectors.toSet());
  }

  static Span serverSpan(List<Span> spans, String trace) {
    return inTrace(spans, trace).stream()
        .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
        .findFirst()
        .orElse(null);
  }

  static boolean descendsFrom(Span s, Span ancestor, List<Span> spans) {
    Span at = s;
    for (int depth = 0; depth < 10 && at != null; depth++) {
      if (at.getParentSpanId().equals(ancestor.getSpanId())) {
        return true;
      }
      com.google.protobuf.ByteString parent = at.getParentSpanId();
      at = spans.stream().filter(p -> p.getSpanId().equals(parent)).findFirst().orElse(null);
    }
    return false;
  }

  static String attribute(Span s, String key) {
    for (KeyValue kv : s.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return text(kv.getValue());
      }
    }
    return null;
  }

  static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> v.toString();
    };
  }
}
