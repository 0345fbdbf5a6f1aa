/**
 * The pieces the service's append-only JSON-lines files share: the audit log and the decision
 * store's segments. They are written for every decision by background threads that share the
 * service's core with the requests, so they are written as UTF-8 bytes straight from the values,
 * with shortest-form numbers and timestamps formatted without a formatter per value.
 */
package io.creditscorer.journal;
