/**
 * Which model version answers a request: stable, a sticky canary share, and a sampled shadow
 * version compared in the background.
 */
package io.creditscorer.routing;
