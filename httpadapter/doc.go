// Package httpadapter is wabridge's thin Gin REST adapter (CONTRACT §1, §5, §8,
// §9). It never calls whatsmeow or the bridge: each REST request becomes the
// same command CloudEvent the NATS path receives, sent as a core NATS request
// to wa.<session>.rpc.<name>, and the result CloudEvent's data becomes the
// HTTP response body as is. It also serves health checks with readiness
// details, the browser QR login page, the OpenAPI and AsyncAPI documents,
// auth, the sandbox routes, and the guard against cross-site requests and DNS
// rebinding (guard.go) that makes the credential-less loopback default safe
// to run beside a browser.
//
// It may import internal/werr, internal/ident, internal/natsbus (subject
// names), internal/cenats (CloudEvents over NATS), Gin, nats.go, yaml.v3 and
// the CloudEvents SDK. It does not import commands or bridge: main converts the command
// catalog into Routes, so the adapter stays decoupled from handlers.
package httpadapter
