/** From a probability of default to a score and a decision. */
package io.creditscorer.decision;
