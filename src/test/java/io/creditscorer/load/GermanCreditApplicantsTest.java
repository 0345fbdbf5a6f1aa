package io.creditscorer.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GermanCreditApplicantsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static GermanCreditApplicants data;

  @BeforeAll
  static void load() throws Exception {
    data = GermanCreditApplicants.load(Path.of("."), "2");
  }

  @Test
  void everyRowBecomesAnApplicantWithoutProtectedAttributesOrLabel() throws Exception {
    assertEquals(1000, data.size());
    for (GermanCreditApplicants.Applicant a : data.all()) {
      JsonNode applicant = JSON.readTree(data.creditBody(a)).get("applicants").get(0);
      assertEquals(19, applicant.size(), "18 fields and the id");
      assertFalse(applicant.has("personal_status"));
      assertFalse(applicant.has("foreign_worker"));
      assertFalse(applicant.has("class"));
      assertTrue(applicant.get("duration").isIntegralNumber(), "integral values stay integers");
    }
  }

  @Test
  void v2BodiesCarryTheEncodedRow() throws Exception {
    GermanCreditApplicants.Applicant first = data.all().get(0);
    JsonNode input = JSON.readTree(data.v2Body(first)).get("inputs").get(0);
    assertEquals("features", input.get("name").asText());
    assertEquals("[1,55]", input.get("shape").toString());
    assertEquals(55, input.get("data").size());
    assertEquals(first.features()[4], input.get("data").get(4).floatValue());
    Set<String> distinct = new HashSet<>();
    data.all().forEach(a -> distinct.add(Arrays.toString(a.features())));
    assertTrue(distinct.size() > 990, "rows are varied, not one row repeated: " + distinct.size());
  }

  @Test
  void feedOrderVisitsEveryRowOncePerCycleAndNeverRepeatsOneBackToBack() {
    int[] order = GermanCreditApplicants.feedOrder(1000, 42);
    assertEquals(1000, Arrays.stream(order).distinct().count());
    for (int i = 0; i < 3 * order.length; i++) {
      assertNotEquals(order[i % order.length], order[(i + 1) % order.length], "at " + i);
    }
    assertFalse(Arrays.equals(order, GermanCreditApplicants.feedOrder(1000, 43)));
    assertThrows(IllegalArgumentException.class, () -> GermanCreditApplicants.feedOrder(1, 42));
  }

  @Test
  void feederRecordsFollowTheFeedOrderWithAllThreeBodies() {
    List<Map<String, Object>> records = data.feederRecords(42);
    int[] order = GermanCreditApplicants.feedOrder(1000, 42);
    assertEquals(1000, records.size());
    for (int i = 0; i < records.size(); i++) {
      Map<String, Object> r = records.get(i);
      assertEquals(order[i], r.get("row"));
      assertEquals(data.creditBody(data.all().get(order[i])), r.get("credit_body"));
      assertEquals(GermanCreditApplicants.storedApplicantBody(order[i]), r.get("by_id_body"));
    }
  }

  @Test
  void storedApplicantsAreNamedByIdAlone() {
    assertEquals(
        "{\"applicants\":[{\"applicant_id\":\"A0042\"}]}",
        GermanCreditApplicants.storedApplicantBody(42));
    assertEquals("A0999", GermanCreditApplicants.storedApplicantId(999));
    assertThrows(
        IllegalArgumentException.class, () -> GermanCreditApplicants.storedApplicantId(1000));
  }
}
