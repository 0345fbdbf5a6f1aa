package io.creditscorer.api.grpc;

import io.creditscorer.api.CountedAdmission;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Admission on the gRPC door, as {@code AdmissionLimit} does it on REST: scoring calls in progress
 * are bounded by {@link CountedAdmission} ({@code scorer.grpc.max-inflight}, with a burst
 * allowance); a refused call is closed with RESOURCE_EXHAUSTED at once, before its message is read.
 * A streaming call counts once, for as long as it is open. Metadata, health and reflection calls
 * are never limited. Meters as on REST, tagged {@code door=grpc}.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcAdmission implements ServerInterceptor {

  /** The scoring methods: the work admission bounds. */
  static final Set<String> SCORING =
      Set.of(
          "inference.GRPCInferenceService/ModelInfer",
          "creditscorer.v1.CreditScoring/Score",
          "creditscorer.v1.CreditScoring/ScoreStream");

  private final CountedAdmission admission;

  public GrpcAdmission(GrpcSettings settings, MeterRegistry registry) {
    this.admission =
        new CountedAdmission(
            "grpc",
            "scorer.grpc",
            settings.maxInflight(),
            settings.burstInflight(),
            settings.burstGrace(),
            registry);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!SCORING.contains(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    if (!admission.tryEnter()) {
      call.close(
          Status.RESOURCE_EXHAUSTED.withDescription("too many requests in progress; retry shortly"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean left = new AtomicBoolean();
    Runnable exit =
        () -> {
          if (left.compareAndSet(false, true)) {
            admission.exit();
          }
        };
    ServerCall<Q, R> counted =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            exit.run();
            super.close(status, trailers);
          }
        };
    try {
      ServerCall.Listener<Q> listener = next.startCall(counted, headers);
      return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
          listener) {
        @Override
        public void onCancel() {
          exit.run();
          super.onCancel();
        }
      };
    } catch (RuntimeException e) {
      exit.run();
      throw e;
    }
  }
}
