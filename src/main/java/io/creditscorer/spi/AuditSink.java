package io.creditscorer.spi;

/** Where decisions are recorded for audit. Implementations must not block for long or throw. */
@FunctionalInterface
public interface AuditSink {

  void record(AuditRecord record);
}
