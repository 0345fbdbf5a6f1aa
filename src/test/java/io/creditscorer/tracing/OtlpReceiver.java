package io.creditscorer.tracing;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP trace receiver, as a collector is one: the collector's {@code TraceService} over gRPC, or
 * {@code POST /v1/traces} with a protobuf body over HTTP. Keeps every span it was sent.
 */
final class OtlpReceiver implements AutoCloseable {

  private final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
  private final Server grpc;
  private final HttpServer http;
  private final int port;

  private OtlpReceiver(boolean overGrpc) throws IOException {
    if (overGrpc) {
      grpc =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(
                  new TraceServiceGrpc.TraceServiceImplBase() {
                    @Override
                    public void export(
                        ExportTraceServiceRequest request,
                        StreamObserver<ExportTraceServiceResponse> answer) {
                      received.add(request);
                      answer.onNext(ExportTraceServiceResponse.getDefaultInstance());
                      answer.onCompleted();
                    }
                  })
              .build()
              .start();
      http = null;
      port = grpc.getPort();
    } else {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.createContext(
          "/",
          exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
              if (exchange.getRequestURI().getPath().endsWith("/v1/traces")) {
                received.add(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
              }
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
          });
      http.start();
      grpc = null;
      port = http.getAddress().getPort();
    }
  }

  static OtlpReceiver grpc() throws IOException {
    return new OtlpReceiver(true);
  }

  static OtlpReceiver http() throws IOException {
    return new OtlpReceiver(false);
  }

  /** The endpoint to configure ({@code quarkus.otel.exporter.otlp.traces.endpoint}). */
  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Every span received so far. */
  List<Span> spans() {
    List<Span> spans = new ArrayList<>();
    for (ExportTraceServiceRequest r : received) {
      for (ResourceSpans rs : r.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          spans.addAll(ss.getSpansList());
        }
      }
    }
    return spans;
  }

  /** The resources the spans came with (service name and the like). */
  List<ResourceSpans> resources() {
    List<ResourceSpans> out = new ArrayList<>();
    received.forEach(r -> out.addAll(r.getResourceSpansList()));
    return out;
  }

  @Override
  public void close() {
    if (grpc != null) {
      grpc.shutdownNow();
    }
    if (http != null) {
      http.stop(0);
    }
  }
}
