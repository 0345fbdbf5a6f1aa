package io.creditscorer.abuse;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Map;

/** Well-formed requests for the abuse and fuzz suites to start from: German Credit row 0. */
final class Bodies {

  /** Row 0 of the German Credit data, as JSON fields (without the braces' id). */
  static final String FIELDS =
      "\"checking_status\":\"<0\",\"duration\":6,"
          + "\"credit_history\":\"critical/other existing credit\",\"purpose\":\"radio/tv\","
          + "\"credit_amount\":1169,\"savings_status\":\"no known savings\",\"employment\":\">=7\","
          + "\"installment_commitment\":4,\"other_parties\":\"none\",\"residence_since\":4,"
          + "\"property_magnitude\":\"real estate\",\"age\":67,\"other_payment_plans\":\"none\","
          + "\"housing\":\"own\",\"existing_credits\":2,\"job\":\"skilled\",\"num_dependents\":1,"
          + "\"own_telephone\":\"yes\"";

  private Bodies() {}

  static String applicant(String id) {
    return "{\"applicant_id\":\"" + id + "\"," + FIELDS + "}";
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
    Map<String, Object> fields =
        Map.ofEntries(
            Map.entry("checking_status", "<0"),
            Map.entry("duration", 6),
            Map.entry("credit_history", "critical/other existing credit"),
            Map.entry("purpose", "radio/tv"),
            Map.entry("credit_amount", 1169),
            Map.entry("savings_status", "no known savings"),
            Map.entry("employment", ">=7"),
            Map.entry("installment_commitment", 4),
            Map.entry("other_parties", "none"),
            Map.entry("residence_since", 4),
            Map.entry("property_magnitude", "real estate"),
            Map.entry("age", 67),
            Map.entry("other_payment_plans", "none"),
            Map.entry("housing", "own"),
            Map.entry("existing_credits", 2),
            Map.entry("job", "skilled"),
            Map.entry("num_dependents", 1),
            Map.entry("own_telephone", "yes"));
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
