package io.creditscorer.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.creditscorer.scoring.AuditRecord;
import io.creditscorer.scoring.AuditSink;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Writes one JSON line per decision to the {@value #CATEGORY} log category, which the configuration
 * routes to its own file (see {@code quarkus.log.handler.file.audit}) and nowhere else. The record
 * carries hashes and identifiers, never raw applicant fields.
 */
public final class LogAuditSink implements AuditSink {

  public static final String CATEGORY = "io.creditscorer.audit";

  private static final Logger LOG = Logger.getLogger(CATEGORY);
  private static final ObjectMapper JSON =
      JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

  private final Clock clock;

  public LogAuditSink(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void record(AuditRecord record) {
    ObjectNode line = JSON.createObjectNode().put("timestamp", clock.instant().toString());
    line.setAll((ObjectNode) JSON.valueToTree(record));
    try {
      LOG.info(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      LOG.error("audit record could not be written: " + e.getOriginalMessage());
    }
  }
}
