package io.creditscorer.api.rest;

import io.creditscorer.error.ScoringException;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Refuses a body whose declared length is over the limit before any of it is read. */
public class BodyLimitFilter {

  private final long maxBodyBytes;

  public BodyLimitFilter(HttpSettings config) {
    this.maxBodyBytes = config.maxBodyBytes();
  }

  @ServerRequestFilter(preMatching = true)
  public void limit(ContainerRequestContext request) {
    String length = request.getHeaderString("Content-Length");
    if (length == null) {
      return;
    }
    long bytes;
    try {
      bytes = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return;
    }
    if (bytes > maxBodyBytes) {
      throw ScoringException.payloadTooLarge(
          "the request body has "
              + bytes
              + " bytes; the limit is "
              + maxBodyBytes
              + " (scorer.http.max-body-bytes)");
    }
  }
}
