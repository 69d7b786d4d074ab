// Package metrics is wabridge's Prometheus instrumentation (CONTRACT §11,
// GET /metrics). A Metrics owns its own registry (never the process-wide
// default one: the project keeps no package-level mutable state) with the
// Go and process collectors, typed recorders the command, outbox and
// webhook paths call as things happen, and collectors that read the
// outbox's backlog, the webhooks' status and the sessions' states when
// scraped, through the small interfaces declared here.
//
// Every label value comes from a closed set, so a caller cannot grow the
// number of series: command names and result codes outside the catalogs
// the program passes in are counted under "unknown" and "OTHER", event
// types outside theirs under "other". Chat JIDs, message ids and URLs are
// never labels; session names and webhook ids are operator-created.
//
// It imports no package of the project: providers satisfy its interfaces
// through adapters in the program (cmd/wabridge).
package metrics
