/**
 * What every package may use: injected time ({@link io.creditscorer.base.Ticker}), the one
 * circuit-breaker set-up and the one background-loop helper. Imports nothing of the service.
 */
package io.creditscorer.base;
