// Package n8n holds importable n8n workflows for wabridge (webhook-reply.json,
// form-send.json) and the tests that check them against wabridge's routes,
// command schemas, event data and webhook signatures. It has no code of its
// own.
package n8n
