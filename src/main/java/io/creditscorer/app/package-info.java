/** Quarkus wiring: configuration, the engine's beans, health checks. */
package io.creditscorer.app;
