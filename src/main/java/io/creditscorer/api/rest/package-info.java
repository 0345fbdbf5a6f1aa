/** The REST door: Open Inference Protocol and credit-decision JSON, translated to engine calls. */
package io.creditscorer.api.rest;
