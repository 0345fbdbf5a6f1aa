/**
 * The model-control plane: who may load, unload and re-route models ({@link
 * io.creditscorer.control.ApiKeys}). The doors call the repository through it.
 */
package io.creditscorer.control;
