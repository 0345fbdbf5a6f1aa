/**
 * Micro-batching with backpressure and deadlines: bounded per-version queues, batch forming that
 * never delays an idle model, concatenation and splitting of rows.
 */
package io.creditscorer.batching;
