// Package webhooks delivers the events of WA_EVENTS to HTTP receivers
// (CONTRACT §10): each webhook is a durable JetStream consumer whose events
// are POSTed as CloudEvents over HTTP, signed as Standard Webhooks 1.0
// prescribes, retried with backoff until max_age and then dead-lettered.
// Webhooks live in a JetStream KV bucket, so every node sees the same set.
//
// It imports events, internal packages, nats.go and the CloudEvents SDK;
// never the bridge or the REST adapter (which declares what it needs of
// this package as an interface).
package webhooks
