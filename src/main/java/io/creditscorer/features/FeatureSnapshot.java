package io.creditscorer.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Applicant feature files: JSON lines ({@code {"applicant_id": "A0000", "duration": 6, ...}} per
 * line) or CSV with a header row and an {@code applicant_id} column (numbers in CSV become numbers,
 * everything else a string). The embedded store loads one at start-up; the loader command copies
 * one into Redis. The stored value of an applicant is its fields as one JSON object, without the
 * id, so both stores hold the same thing.
 */
public final class FeatureSnapshot {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CsvRows CSV = new CsvRows('"');
  private static final TypeReference<LinkedHashMap<String, Object>> FIELDS =
      new TypeReference<>() {};

  private FeatureSnapshot() {}

  /** Every applicant of {@code file}, in file order. */
  public static Map<String, Map<String, Object>> read(Path file) throws IOException {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    forEach(file, (id, fields) -> out.put(id, fields));
    return out;
  }

  /**
   * Streams the applicants of {@code file} in file order.
   *
   * @throws IOException naming the file and line of the first malformed or duplicate entry
   */
  public static void forEach(Path file, BiConsumer<String, Map<String, Object>> action)
      throws IOException {
    boolean csv = file.getFileName().toString().toLowerCase().endsWith(".csv");
    java.util.Set<String> seen = new java.util.HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      List<String> header = null;
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String where = file + ":" + lineNo + ": ";
        Map<String, Object> fields;
        if (csv) {
          if (header == null) {
            header = CSV.split(line);
            if (!header.contains(CreditFeatureEncoder.APPLICANT_ID)) {
              throw new IOException(
                  where + "the header has no " + CreditFeatureEncoder.APPLICANT_ID + " column");
            }
            continue;
          }
          List<String> values = CSV.split(line);
          if (values.size() != header.size()) {
            throw new IOException(
                where + "expected " + header.size() + " values, found " + values.size());
          }
          fields = new LinkedHashMap<>();
          for (int i = 0; i < values.size(); i++) {
            fields.put(header.get(i), csvValue(values.get(i)));
          }
        } else {
          try {
            fields = JSON.readValue(line, FIELDS);
          } catch (JsonProcessingException e) {
            throw new IOException(where + "not a JSON object: " + e.getOriginalMessage());
          }
        }
        Object id = fields.remove(CreditFeatureEncoder.APPLICANT_ID);
        if (!(id instanceof String s) || s.isBlank()) {
          throw new IOException(where + CreditFeatureEncoder.APPLICANT_ID + " must be a string");
        }
        if (!seen.add(s)) {
          throw new IOException(where + "applicant " + s + " appears twice");
        }
        action.accept(s, fields);
      }
    }
  }

  /** The stored value of one applicant: its fields as a JSON object. */
  public static String toJson(Map<String, Object> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("fields cannot be written as JSON", e);
    }
  }

  /**
   * Parses a stored value.
   *
   * @throws IllegalArgumentException when it is not a JSON object
   */
  public static Map<String, Object> fromJson(String json) {
    try {
      Map<String, Object> fields = JSON.readValue(json, FIELDS);
      if (fields == null) {
        throw new IllegalArgumentException("stored value is not a JSON object");
      }
      return fields;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("stored value is not a JSON object", e);
    }
  }

  private static Object csvValue(String v) {
    if (v.matches("-?\\d{1,18}")) {
      return Long.parseLong(v);
    }
    if (v.matches("-?\\d*\\.\\d+([eE][-+]?\\d+)?")) {
      return Double.parseDouble(v);
    }
    return v;
  }
}
