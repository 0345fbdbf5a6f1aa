package io.creditscorer.abuse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.creditscorer.api.rest.CreditApiTest;
import java.util.LinkedHashMap;
import java.util.Map;

/** Well-formed requests for the abuse and fuzz suites to start from: German Credit row 0. */
final class Bodies {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Bodies() {}

  /** Row 0 of the German Credit data with an id, as JSON. */
  static String applicant(String id) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("applicant_id", id);
    a.putAll(CreditApiTest.applicant());
    try {
      return JSON.writeValueAsString(a);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String credit(String requestId, String applicant) {
    return "{\"request_id\":\"" + requestId + "\",\"applicants\":[" + applicant + "]}";
  }

  /** A V2 request of one all-zero row for the credit model. */
  static String v2(String id) {
    StringBuilder row = new StringBuilder();
    for (int i = 0; i < 55; i++) {
      row.append(i == 0 ? "" : ",").append('0');
    }
    return "{\"id\":\""
        + id
        + "\",\"inputs\":[{\"name\":\"features\",\"shape\":[1,55],\"datatype\":\"FP32\",\"data\":["
        + row
        + "]}]}";
  }

  /** Row 0 as a protobuf Struct, for the gRPC credit API. */
  static Struct struct(String id) {
    Struct.Builder s = Struct.newBuilder();
    s.putFields("applicant_id", str(id));
    Map<String, Object> fields = CreditApiTest.applicant();
    fields.forEach(
        (k, v) ->
            s.putFields(
                k,
                v instanceof String t
                    ? str(t)
                    : Value.newBuilder().setNumberValue(((Number) v).doubleValue()).build()));
    return s.build();
  }

  static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
