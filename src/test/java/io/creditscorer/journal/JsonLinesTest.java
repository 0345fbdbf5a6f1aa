package io.creditscorer.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shared JSON-lines writing: timestamps exactly as Instant.toString, doubles that round-trip.
 */
class JsonLinesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> written(List<Instant> times) throws Exception {
    JsonLines lines = new JsonLines();
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JsonLines.FACTORY.createGenerator(text)) {
      for (Instant t : times) {
        g.writeStartObject();
        lines.writeInstant(g, JsonLines.name("at"), t);
        g.writeEndObject();
        g.writeRaw('\n');
      }
    }
    List<String> values = new ArrayList<>();
    for (String line : text.toString().split("\n")) {
      values.add(JSON.readTree(line).get("at").asText());
    }
    return values;
  }

  @Test
  void timestampsAreWrittenAsInstantToStringWritesThem() throws Exception {
    Random random = new Random(7);
    List<Instant> times = new ArrayList<>();
    times.add(Instant.parse("2026-11-29T10:00:00Z")); // no fraction
    times.add(Instant.parse("2026-11-29T10:00:00.120Z")); // milliseconds
    times.add(Instant.parse("2026-11-29T10:00:00.000120Z")); // microseconds
    times.add(Instant.parse("2026-11-29T10:00:00.000000001Z")); // nanoseconds
    times.add(Instant.parse("2026-11-29T10:00:00.999999999Z")); // the same second again
    times.add(Instant.parse("0000-01-01T00:00:00Z"));
    times.add(Instant.parse("9999-12-31T23:59:59.5Z"));
    times.add(Instant.parse("+10000-01-01T00:00:00Z")); // five-digit year: a sign
    times.add(Instant.parse("-0001-12-31T23:59:59Z")); // before year 0
    times.add(Instant.MIN);
    times.add(Instant.MAX);
    for (int i = 0; i < 2_000; i++) {
      long second = random.nextLong(-10_000_000_000L, 10_000_000_000L);
      int nano =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      times.add(Instant.ofEpochSecond(second, nano));
      times.add(Instant.ofEpochSecond(second, random.nextInt(1_000_000_000))); // same second
    }
    List<String> expected = times.stream().map(Instant::toString).toList();
    assertEquals(expected, written(times));
  }

  @Test
  void doublesAreWrittenInAFormThatReadsBackToTheSameValue() throws Exception {
    Random random = new Random(11);
    StringWriter text = new StringWriter();
    double[] values = new double[10_000];
    try (JsonGenerator g = JsonLines.FACTORY.createGenerator(text)) {
      g.writeStartArray();
      for (int i = 0; i < values.length; i++) {
        values[i] =
            i % 3 == 0 ? random.nextDouble() : i % 3 == 1 ? random.nextGaussian() * 1e6 : 1e-9 * i;
        g.writeNumber(values[i]);
      }
      g.writeEndArray();
    }
    JsonNode read = JSON.readTree(text.toString());
    for (int i = 0; i < values.length; i++) {
      assertEquals(values[i], read.get(i).doubleValue(), "value " + i);
    }
  }
}
