// Package mediafetch is the media fetcher: a durable consumer of the events
// stream that downloads the media of every message event (through the
// bridge, behind the Downloader port) and stores it in the media object
// store under the media id the event names, so consumers read it from
// there or through GET /media/<id>. Being downstream of WA_EVENTS it never
// delays WhatsApp's ack; being a durable consumer that acks only after the
// object is stored, it survives restarts mid-download. The same code
// serves the REST adapter's on-demand download (Fetch).
//
// It may import events, internal packages and nats.go; not the bridge.
package mediafetch
