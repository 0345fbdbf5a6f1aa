package io.creditscorer.bench;

import com.google.protobuf.ByteString;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.ModelInferRequest;
import io.creditscorer.api.grpc.v2.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Java gRPC call of docs/API.md: one encoded applicant sent as raw little-endian FP32 to {@code
 * ModelInfer}, the answer read from {@code raw_output_contents}, as Triton's clients do.
 *
 * <p>Run against a service on 127.0.0.1:9000: {@code mvn -q -Pbench test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.creditscorer.bench.GrpcInferExample}
 */
public final class GrpcInferExample {

  public static void main(String[] args) throws Exception {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", 9000).usePlaintext().build();
    try {
      ByteBuffer row = ByteBuffer.allocate(55 * 4).order(ByteOrder.LITTLE_ENDIAN);
      row.putFloat(3 * 4, 1f); // one encoded applicant: 55 FP32 values, the fourth 1
      ModelInferResponse answer =
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .modelInfer(
                  ModelInferRequest.newBuilder()
                      .setModelName("credit-risk")
                      .addInputs(
                          ModelInferRequest.InferInputTensor.newBuilder()
                              .setName("features")
                              .setDatatype("FP32")
                              .addShape(1)
                              .addShape(55))
                      .addRawInputContents(ByteString.copyFrom(row.array()))
                      .build());
      ByteBuffer out =
          answer.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      System.out.printf(
          "%s/%s %s %s: [%s, %s]%n",
          answer.getModelName(),
          answer.getModelVersion(),
          answer.getOutputs(0).getName(),
          answer.getOutputs(0).getShapeList(),
          out.getFloat(),
          out.getFloat());
    } finally {
      channel.shutdownNow();
    }
  }
}
