package io.creditscorer.repository;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes {@code model.json} descriptors (snake_case, unknown fields refused). */
public final class Descriptors {

  public static final String FILE_NAME = "model.json";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private Descriptors() {}

  public static ModelDescriptor read(Path file) throws IOException {
    return MAPPER.readValue(file.toFile(), ModelDescriptor.class);
  }

  public static void write(ModelDescriptor descriptor, Path file) throws IOException {
    Files.writeString(file, MAPPER.writeValueAsString(descriptor) + "\n");
  }
}
