package io.creditscorer.api.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
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
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER) // V2 bodies are mostly numbers
          .build();

  private JsonBodies() {}

  /** Parses a body that must be a JSON object no larger than {@code maxBytes}. */
  static JsonNode parseObject(byte[] body, long maxBytes) {
    return parseObject(body, body.length, maxBytes);
  }

  /** The JSON object in the first {@code length} bytes of {@code body}. */
  static JsonNode parseObject(byte[] body, int length, long maxBytes) {
    checkSize(body, maxBytes);
    JsonNode root;
    try {
      root = MAPPER.readTree(body, 0, length);
    } catch (IOException e) {
      throw malformed(e);
    }
    if (root == null || !root.isObject()) {
      throw notAnObject();
    }
    return root;
  }

  /**
   * A streaming parser on a body that must be a JSON object no larger than {@code maxBytes},
   * positioned on the object's start. For bodies too hot to build a tree of; {@link #expectEnd}
   * after the object.
   */
  static JsonParser openObject(byte[] body, long maxBytes) {
    checkSize(body, maxBytes);
    try {
      JsonParser p = MAPPER.getFactory().createParser(body);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.close();
        throw notAnObject();
      }
      return p;
    } catch (IOException e) {
      throw malformed(e);
    }
  }

  /** Fails unless nothing but white space follows the object {@code p} has just read. */
  static void expectEnd(JsonParser p) throws IOException {
    if (p.nextToken() != null) {
      throw new InvalidInputException(
          "body", "malformed JSON: content after the end of the JSON object");
    }
  }

  /** The error for a body the parser could not read. */
  static InvalidInputException malformed(IOException e) {
    return e instanceof JsonProcessingException j
        ? new InvalidInputException("body", "malformed JSON: " + j.getOriginalMessage())
        : new InvalidInputException("body", "unreadable body: " + e.getMessage());
  }

  private static void checkSize(byte[] body, long maxBytes) {
    if (body == null || body.length == 0) {
      throw new InvalidInputException("body", "the request body is empty; send a JSON object");
    }
    if (body.length > maxBytes) {
      throw ScoringException.payloadTooLarge(
          "the request body has " + body.length + " bytes; the limit is " + maxBytes);
    }
  }

  private static InvalidInputException notAnObject() {
    return new InvalidInputException("body", "must be a JSON object");
  }

  /**
   * The value {@code p} stands on, whose first token is {@code t}, as plain Java: String, Number,
   * Boolean, null, List or Map.
   */
  private static Object plain(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          list.add(plain(p, e));
        }
        yield list;
      }
      case START_OBJECT -> plainObject(p);
      default -> null;
    };
  }

  /** The rest of the object whose start {@code p} has just read, as a map in field order. */
  static Map<String, Object> plainObject(JsonParser p) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>(32);
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      map.put(name, plain(p, p.nextToken()));
    }
    return map;
  }

  /** An error for an unknown field. */
  static FieldError unknown(String path, Set<String> allowed) {
    return new FieldError(path, "unknown field (allowed: " + String.join(", ", allowed) + ")");
  }

  /** Adds an error for every field of {@code node} not in {@code allowed}. */
  static void rejectUnknown(
      JsonNode node, Set<String> allowed, String path, List<FieldError> errors) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        errors.add(unknown(path + name, allowed));
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

  /** The JSON type of the value starting with token {@code t}, for messages. */
  static String type(JsonToken t) {
    return switch (t) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      default -> "null";
    };
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
}
