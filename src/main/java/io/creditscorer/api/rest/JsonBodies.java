package io.creditscorer.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.error.ScoringException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads request bodies into JSON trees and checks their structure, naming every bad field. */
final class JsonBodies {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private JsonBodies() {}

  /** Parses a body that must be a JSON object no larger than {@code maxBytes}. */
  static JsonNode parseObject(byte[] body, long maxBytes) {
    if (body == null || body.length == 0) {
      throw new InvalidInputException("body", "the request body is empty; send a JSON object");
    }
    if (body.length > maxBytes) {
      throw ScoringException.payloadTooLarge(
          "the request body has " + body.length + " bytes; the limit is " + maxBytes);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("body", "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInputException("body", "unreadable body: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("body", "must be a JSON object");
    }
    return root;
  }

  /** Adds an error for every field of {@code node} not in {@code allowed}. */
  static void rejectUnknown(
      JsonNode node, Set<String> allowed, String path, List<FieldError> errors) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        errors.add(
            new FieldError(
                path + name, "unknown field (allowed: " + String.join(", ", allowed) + ")"));
      }
    }
  }

  /** An optional string field: {@code null} when absent, an error when not a string. */
  static String optionalString(JsonNode parent, String name, String path, List<FieldError> errors) {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      errors.add(new FieldError(path + name, "must be a string, not " + type(n)));
      return null;
    }
    return n.textValue();
  }

  /** The JSON type of a node, for messages. */
  static String type(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL, MISSING -> "null";
      case BINARY -> "binary";
    };
  }

  /** Converts a JSON value to plain Java: String, Number, Boolean, null, List or Map. */
  static Object plain(JsonNode n) {
    return switch (n.getNodeType()) {
      case STRING -> n.textValue();
      case NUMBER -> n.numberValue();
      case BOOLEAN -> n.booleanValue();
      case ARRAY -> {
        List<Object> list = new ArrayList<>(n.size());
        n.forEach(e -> list.add(plain(e)));
        yield list;
      }
      case OBJECT, POJO -> {
        Map<String, Object> map = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
        yield map;
      }
      default -> null;
    };
  }
}
