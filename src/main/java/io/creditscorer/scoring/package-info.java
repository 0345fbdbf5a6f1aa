/** The scoring engine: the single path of every prediction, independent of any transport. */
package io.creditscorer.scoring;
