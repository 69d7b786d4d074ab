package commands

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/werr"
)

// errorCodes is the README's error catalog: every stable code a REST caller
// can see, with the HTTP status it comes with. The REST adapter's own codes
// are spelled out because this package does not import the adapter.
var errorCodes = map[string]int{
	werr.CodeInvalidRecipient:    http.StatusBadRequest,
	werr.CodeInvalidPayload:      http.StatusBadRequest,
	werr.CodeURLNotAllowed:       http.StatusBadRequest,
	werr.CodeInvalidCloudEvent:   http.StatusBadRequest,
	werr.CodeInvalidSession:      http.StatusBadRequest,
	werr.CodeUnknownCommand:      http.StatusBadRequest,
	"SANDBOX_ERROR":              http.StatusBadRequest,
	werr.CodeNotLoggedIn:         http.StatusUnauthorized,
	werr.CodeUnauthorized:        http.StatusUnauthorized,
	werr.CodeSessionNotFound:     http.StatusNotFound,
	werr.CodeMessageNotFound:     http.StatusNotFound,
	werr.CodeNotOnWhatsApp:       http.StatusNotFound,
	werr.CodeForbidden:           http.StatusForbidden,
	werr.CodeExpired:             http.StatusGone,
	werr.CodeBusy:                http.StatusServiceUnavailable,
	werr.CodeNotFound:            http.StatusNotFound,
	"METHOD_NOT_ALLOWED":         http.StatusMethodNotAllowed,
	werr.CodeAlreadyLoggedIn:     http.StatusConflict,
	werr.CodeIdempotencyConflict: http.StatusConflict,
	werr.CodeEditWindowClosed:    http.StatusConflict,
	werr.CodePayloadTooLarge:     http.StatusRequestEntityTooLarge,
	werr.CodeMediaTooLarge:       http.StatusRequestEntityTooLarge,
	"UNSUPPORTED_MEDIA_TYPE":     http.StatusUnsupportedMediaType,
	werr.CodeUnsupportedMedia:    http.StatusUnsupportedMediaType,
	werr.CodeRateLimited:         http.StatusTooManyRequests,
	werr.CodeInternal:            http.StatusInternalServerError,
	werr.CodeNotSupported:        http.StatusNotImplemented,
	werr.CodeUpstream:            http.StatusBadGateway,
	werr.CodeFetchFailed:         http.StatusBadGateway,
	werr.CodeNotConnected:        http.StatusServiceUnavailable,
	"BUS_UNAVAILABLE":            http.StatusServiceUnavailable,
	"NOT_READY":                  http.StatusServiceUnavailable,
	werr.CodeTimeout:             http.StatusGatewayTimeout,
}

// codesOf lists the codes answered with status, sorted.
func codesOf(status int) []string {
	var out []string
	for code, s := range errorCodes {
		if s == status {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

func envelopeSchema() obj {
	var all []any
	for _, c := range sortedKeys(errorCodes) {
		all = append(all, c)
	}
	return obj{
		"description": "The body of every response (CONTRACT §5); a command's result data is returned as is.",
		"type":        "object",
		"required":    []any{"status"},
		"properties": obj{
			"status":  obj{"type": "integer", "minimum": 100, "maximum": 599, "description": "The HTTP status of the response."},
			"code":    obj{"type": "string", "enum": all, "description": "Stable error code; absent on success."},
			"message": obj{"type": "string"},
			"details": obj{"description": "What went wrong, e.g. the offending fields of INVALID_PAYLOAD."},
			"data":    obj{"description": "The command's result."},
		},
	}
}

// errorResponses are components/responses "Error<status>": the envelope
// with the codes that status can carry.
func errorResponses() obj {
	out := obj{}
	seen := map[int]bool{}
	for _, s := range errorCodes {
		if seen[s] {
			continue
		}
		seen[s] = true
		codes := codesOf(s)
		enum := make([]any, len(codes))
		for i, c := range codes {
			enum[i] = c
		}
		out[errorName(s)] = obj{
			"description": http.StatusText(s) + ": " + strings.Join(codes, ", "),
			"content": obj{"application/json": obj{"schema": obj{
				"allOf": []any{ref(componentSchemas + "Envelope"), obj{
					"required":   []any{"code", "message"},
					"properties": obj{"status": obj{"const": s}, "code": obj{"enum": enum}},
				}},
			}}},
		}
	}
	return out
}

func errorName(status int) string { return "Error" + strconv.Itoa(status) }

// withErrors adds references to the error responses of statuses.
func withErrors(responses obj, statuses ...int) obj {
	for _, s := range statuses {
		responses[strconv.Itoa(s)] = ref(fmt.Sprintf("#/components/responses/%s", errorName(s)))
	}
	return responses
}

func success(description string, data obj) obj {
	schema := any(ref(componentSchemas + "Envelope"))
	if data != nil {
		schema = obj{"allOf": []any{schema, obj{"properties": obj{"data": data}}}}
	}
	return obj{"description": description, "content": obj{"application/json": obj{"schema": schema}}}
}

func commandResponses(method string) obj {
	r := withErrors(obj{"200": success("The command succeeded; data is its result.", nil)},
		400, 401, 404, 409, 413, 429, 500, 502, 503, 504)
	if method != http.MethodGet && method != http.MethodHead && method != http.MethodDelete {
		withErrors(r, 415)
	}
	return r
}

func commonParameters() obj {
	token := obj{"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[\\x20-\\x7e]+$"}
	session := obj{"type": "string", "pattern": ident.SessionPattern, "default": ident.DefaultSession}
	return obj{
		"Session": obj{"name": "X-Session", "in": "header", "schema": session,
			"description": "The session (WhatsApp account) addressed; wins over the session query parameter."},
		"SessionQuery": obj{"name": "session", "in": "query", "schema": session,
			"description": "The session, for clients that cannot set headers."},
		"IdempotencyKey": obj{"name": "Idempotency-Key", "in": "header", "schema": token,
			"description": "Becomes the command CloudEvent's id: a repeat with the same key (and credentials) gets the kept answer."},
		"CorrelationId": obj{"name": "X-Correlation-Id", "in": "header", "schema": token,
			"description": "Carried as the CloudEvent extension correlationid and echoed in the response."},
		"RequestId": obj{"name": "X-Request-Id", "in": "header", "schema": token,
			"description": "Echoed in the response; used as the correlation id when X-Correlation-Id is absent."},
	}
}

// asyncAPIOperation serves the AsyncAPI document (NATS subjects, command
// and event payloads) in one of its two encodings.
func asyncAPIOperation(id, contentType string) obj {
	return obj{"operationId": id, "summary": "The AsyncAPI 3.0 document of the NATS API (" + contentType + ").",
		"tags": []any{"meta"},
		"responses": withErrors(obj{"200": obj{"description": "The AsyncAPI document.",
			"content": obj{contentType: obj{"schema": obj{"type": "object"}}}}}, 401)}
}

type staticOperation struct {
	method, path string
	op           obj
}

// staticOperations are the routes the REST adapter serves besides commands.
func staticOperations() []staticOperation {
	str := obj{"type": "string"}
	sandbox := func(id, summary string, body obj, data obj, post bool) obj {
		op := obj{"operationId": id, "summary": summary, "tags": []any{"sandbox"},
			"description": "Served only in sandbox mode (--sandbox); 404 NOT_FOUND otherwise.",
			"responses":   withErrors(obj{"200": success("Done.", data)}, 400, 401, 404, 500)}
		if post {
			op["parameters"] = []any{ref("#/components/parameters/Session"), ref("#/components/parameters/SessionQuery")}
			op["requestBody"] = obj{"required": false, "content": obj{"application/json": obj{"schema": body}}}
			withErrors(op["responses"].(obj), 413, 415)
		}
		return op
	}
	inbound := obj{"type": "object", "required": []any{"from"},
		"description": "Further fields are those of the matching send.* command (e.g. caption).",
		"properties": obj{"from": str, "chat": str, "message": str, "type": str, "push_name": str,
			"reply_message_id": str, "id": str}}
	ops := []staticOperation{
		{http.MethodGet, "/healthz", obj{"operationId": "healthz", "summary": "The process serves HTTP.",
			"tags": []any{"health"}, "security": []any{},
			"responses": obj{"200": success("Alive.", obj{"type": "object", "properties": obj{"version": str}})}}},
		{http.MethodGet, "/readyz", obj{"operationId": "readyz", "summary": "NATS, storage and sessions are ready.",
			"tags": []any{"health"}, "security": []any{},
			"responses": withErrors(obj{"200": success("Ready.", nil)}, 503)}},
		{http.MethodGet, "/openapi.json", obj{"operationId": "openapi", "summary": "This document.",
			"tags": []any{"meta"},
			"responses": withErrors(obj{"200": obj{"description": "The OpenAPI document.",
				"content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}}, 401)}},
		{http.MethodGet, "/asyncapi.json", asyncAPIOperation("asyncapi.json", "application/json")},
		{http.MethodGet, "/asyncapi.yaml", asyncAPIOperation("asyncapi.yaml", "application/yaml")},
		{http.MethodPost, "/sandbox/scan", sandbox("sandbox.scan", "Completes the session's login as if its QR code was scanned.",
			obj{"type": "object", "properties": obj{"phone": str,
				"history":       obj{"type": "integer", "minimum": 0, "description": "How many past messages the phone pushes as history sync after pairing."},
				"history_chats": obj{"type": "integer", "minimum": 0, "description": "Over how many chats; 0 = the sandbox's default."}}},
			obj{"type": "object", "properties": obj{"jid": str}}, true)},
		{http.MethodPost, "/sandbox/inbound", sandbox("sandbox.inbound", "A virtual contact sends the session a message.",
			inbound, obj{"type": "object", "properties": obj{"message_id": str}}, true)},
		{http.MethodGet, "/sandbox/outbox", sandbox("sandbox.outbox", "What virtual contacts received, oldest first.",
			nil, obj{"type": "array"}, false)},
		{http.MethodPost, "/sandbox/clock", sandbox("sandbox.clock", "Moves the simulated network's clock forward.",
			obj{"type": "object", "required": []any{"advance"}, "properties": obj{"advance": obj{"type": "string",
				"description": `A positive Go duration, e.g. "16m" or "1h30m".`}}},
			obj{"type": "object", "properties": obj{"now": obj{"type": "string", "format": "date-time"}}}, true)},
		{http.MethodGet, "/media/{id}", mediaOperation()},
		{http.MethodHead, "/media/{id}", mediaHeadOperation()},
	}
	return slices.Concat(ops, webhookOperations(), eventOperations(), dashboardOperations(), metricsOperations())
}
