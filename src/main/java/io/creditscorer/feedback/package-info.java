/**
 * Outcome feedback: the decision store (bounded, persistent), outcomes joined to the decisions they
 * judge, and realised performance per model version (ROC AUC, Brier score, calibration, bad rate
 * per decision) over sliding windows. Knows nothing about HTTP or gRPC.
 */
package io.creditscorer.feedback;
