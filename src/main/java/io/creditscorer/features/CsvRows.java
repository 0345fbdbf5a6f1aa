package io.creditscorer.features;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.List;

/**
 * Splits one line of comma-separated values into its trimmed values (jackson-dataformat-csv): a
 * value in quotes may hold commas, and a doubled quote inside one stands for the quote. Applicant
 * files quote with {@code "}; ARFF data with {@code '}. Thread-safe.
 */
public final class CsvRows {

  private static final CsvMapper CSV =
      CsvMapper.builder().enable(CsvParser.Feature.TRIM_SPACES).build();

  private final ObjectReader reader;

  /** Values quoted with {@code quote}. */
  public CsvRows(char quote) {
    this.reader = CSV.readerFor(String[].class).with(CsvSchema.emptySchema().withQuoteChar(quote));
  }

  /**
   * The values of {@code line}.
   *
   * @throws IOException when the line is not valid CSV (e.g. an unclosed quote)
   */
  public List<String> split(String line) throws IOException {
    String[] values = reader.readValue(line);
    return values == null ? List.of("") : List.of(values);
  }
}
