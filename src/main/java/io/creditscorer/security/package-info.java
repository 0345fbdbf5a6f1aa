/**
 * Who may call what: the roles of the data plane and of model control, the open mode of a local
 * run, and the static API keys as an identity provider of Quarkus' security stack beside
 * MicroProfile JWT bearer tokens.
 */
package io.creditscorer.security;
