package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.creditscorer.error.InvalidInputException.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitoredGroupsTest {

  @Test
  void theDefaultSetIsSexAgeBandAndForeignWorker() {
    assertEquals(
        Map.of(
            "sex", List.of("male", "female"),
            "age_band", List.of("<25", "25-34", "35-44", "45-54", "55+"),
            "foreign_worker", List.of("yes", "no")),
        MonitoredGroups.DEFAULT.attributes());
    assertEquals(
        List.of("sex", "age_band", "foreign_worker"),
        List.copyOf(MonitoredGroups.DEFAULT.attributes().keySet()));
  }

  @Test
  void everyUnknownAttributeOrValueIsNamed() {
    List<FieldError> errors =
        MonitoredGroups.DEFAULT.check(
            "outcomes[1].groups", Map.of("sex", "female", "age_band", "30", "religion", "any"));
    assertEquals(
        List.of("outcomes[1].groups.age_band", "outcomes[1].groups.religion"),
        errors.stream().map(FieldError::field).sorted().toList());
    assertEquals(List.of(), MonitoredGroups.DEFAULT.check("g", Map.of("age_band", "55+")));
  }

  @Test
  void aConfigurationThatCouldNotBeStoredIsRefusedAtStart() {
    for (Map<String, List<String>> bad :
        List.of(
            Map.<String, List<String>>of(),
            Map.of("a;b", List.of("x")),
            Map.of("cohort", List.of("x=y")),
            Map.of("cohort", List.of("x", "x")),
            Map.of("cohort", List.<String>of()))) {
      assertThrows(IllegalArgumentException.class, () -> new MonitoredGroups(bad), bad.toString());
    }
  }

  @Test
  void labelsAreStoredInNameOrderAndMergedAttributeByAttribute() {
    assertEquals(
        "age_band=<25;sex=female",
        MonitoredGroups.encode(Map.of("sex", "female", "age_band", "<25")));
    assertNull(MonitoredGroups.encode(Map.of()));
    assertEquals(
        "age_band=55+;foreign_worker=no;sex=male",
        MonitoredGroups.merge("age_band=<25;sex=male", "foreign_worker=no;age_band=55+"));
    assertEquals("sex=male", MonitoredGroups.merge(null, "sex=male"));
  }
}
