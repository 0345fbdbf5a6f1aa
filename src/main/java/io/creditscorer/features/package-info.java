/** Request fields of credit applicants: validation and encoding into model input rows. */
package io.creditscorer.features;
