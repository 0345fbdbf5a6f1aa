package io.creditscorer.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRowsTest {

  @Test
  void valuesAreTrimmedAndQuotedCommasKept() throws IOException {
    assertEquals(
        List.of("A1", "12", "used car, new", "x"),
        new CsvRows('"').split("A1, 12 ,\"used car, new\",x"));
  }

  @Test
  void aDoubledQuoteInsideQuotesIsOneQuote() throws IOException {
    assertEquals(List.of("say \"hi\"", "b"), new CsvRows('"').split("\"say \"\"hi\"\"\",b"));
  }

  @Test
  void arffQuotesWithApostrophes() throws IOException {
    assertEquals(
        List.of("<0", "critical/other existing credit", "6"),
        new CsvRows('\'').split("'<0','critical/other existing credit',6"));
  }

  @Test
  void anEmptyTrailingValueCounts() throws IOException {
    assertEquals(List.of("a", ""), new CsvRows('"').split("a,"));
  }

  @Test
  void anUnclosedQuoteIsAnError() {
    assertThrows(IOException.class, () -> new CsvRows('"').split("a,\"b"));
  }
}
