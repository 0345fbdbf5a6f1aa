/** The exception hierarchy shared by the engine and mapped once per door. */
package io.creditscorer.error;
