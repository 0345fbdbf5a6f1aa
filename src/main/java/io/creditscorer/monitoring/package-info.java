/** What the service reports about itself: Micrometer meters, scraped by Prometheus. */
package io.creditscorer.monitoring;
