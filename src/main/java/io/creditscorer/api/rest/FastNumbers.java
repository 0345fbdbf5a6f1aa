package io.creditscorer.api.rest;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Answers write their doubles and floats in shortest form with Jackson's Schubfach writer: the same
 * values as {@code Double.toString} with less work per number on Java 17 (docs/BENCHMARKS.md,
 * "Design choices and their measured cost"). A credit answer carries a probability and an impact
 * per reason; a V2 answer its output tensors.
 */
@Singleton
public class FastNumbers implements ObjectMapperCustomizer {

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.getFactory().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER.mappedFeature());
  }
}
