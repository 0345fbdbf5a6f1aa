package io.creditscorer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.api.grpc.v2.InferTensorContents;
import io.creditscorer.api.grpc.v2.ModelInferRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the gRPC twin of a V2 JSON request as a length-prefixed gRPC message, so a plain HTTP/2
 * load tool (h2load) can send the same rows over gRPC that wrk sends over REST.
 *
 * <p>Usage: {@code GrpcRequestFile <v2-request.json> <model> <out.bin>}
 */
public final class GrpcRequestFile {

  private GrpcRequestFile() {}

  public static void main(String[] args) throws Exception {
    JsonNode input = new ObjectMapper().readTree(Path.of(args[0]).toFile()).get("inputs").get(0);
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    input.get("data").forEach(v -> contents.addFp32Contents((float) v.asDouble()));
    ModelInferRequest.InferInputTensor.Builder tensor =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName(input.get("name").asText())
            .setDatatype(input.get("datatype").asText())
            .setContents(contents);
    input.get("shape").forEach(d -> tensor.addShape(d.asLong()));
    byte[] message =
        ModelInferRequest.newBuilder()
            .setModelName(args[1])
            .addInputs(tensor)
            .build()
            .toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0); // not compressed
    out.write(ByteBuffer.allocate(4).putInt(message.length).array()); // big-endian length
    out.write(message);
    Files.write(Path.of(args[2]), out.toByteArray());
    System.out.println("wrote " + args[2] + " (" + out.size() + " bytes)");
  }
}
