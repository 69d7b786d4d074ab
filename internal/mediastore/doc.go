// Package mediastore keeps media in the JetStream object store (bucket
// WA_MEDIA by default): REST uploads, files NATS callers put there
// themselves, and media received from WhatsApp. Commands name such an object
// as nats-object://<bucket>/<name>, so large files never ride inside a NATS
// message.
//
// Its Resolver turns a command's media field (a data: URL, an http(s) URL
// fetched through internal/fetch's guard, or an object reference) into a
// media.Blob spooled to a temporary file, with the kind's size limit enforced
// while reading.
//
// It imports internal/media, internal/fetch, internal/werr and nats.go's
// jetstream package only.
package mediastore
