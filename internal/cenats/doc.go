// Package cenats maps CloudEvents 1.0 onto NATS messages, in both content modes
// of the NATS protocol binding (1.0.3 working draft): binary (attributes in
// percent-encoded ce-* headers, data as payload) and structured (the JSON event
// format as payload, Content-Type application/cloudevents+json).
//
// sdk-go's event.Event is the model and its JSON format is used as is; the NATS
// mapping lives here because sdk-go's own NATS bindings are not available to us,
// acknowledge too early, match header names case-sensitively and do not
// percent-encode.
//
// Everything Decode reads is untrusted input: it enforces limits, decodes
// strictly and wraps every failure in ErrInvalid.
//
// cenats may import the standard library, nats.go and sdk-go's event and types
// packages; it knows nothing of wabridge's commands, sessions or subjects.
package cenats
