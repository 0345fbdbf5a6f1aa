/** The model repository: discovery, descriptor validation, loading, warm-up and version lookup. */
package io.creditscorer.repository;
