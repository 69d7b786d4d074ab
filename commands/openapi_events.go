package commands

import "net/http"

// eventOperations are GET /events and GET /events/stream (CONTRACT §10):
// the audit log as NDJSON and as Server-Sent Events.
func eventOperations() []staticOperation {
	str := obj{"type": "string"}
	seq := obj{"type": "integer", "minimum": 1}
	list := obj{"type": "array", "items": str}
	filters := []any{
		ref("#/components/parameters/Session"), ref("#/components/parameters/SessionQuery"),
		obj{"name": "since", "in": "query", "schema": obj{"type": "string", "format": "date-time"},
			"description": "First stored time (RFC 3339): when the bridge stored the event, which the stream seeks by."},
		obj{"name": "until", "in": "query", "schema": obj{"type": "string", "format": "date-time"}, "description": "Last stored time (RFC 3339)."},
		obj{"name": "from_seq", "in": "query", "schema": seq, "description": "First stream sequence."},
		obj{"name": "to_seq", "in": "query", "schema": seq, "description": "Last stream sequence."},
		obj{"name": "type", "in": "query", "schema": list, "style": "form", "explode": true,
			"description": "Event types of the catalog (io.wabridge.message.received or message.received), repeatable or comma-separated; none = all."},
		obj{"name": "chat", "in": "query", "schema": list, "style": "form", "explode": true,
			"description": "Chat JIDs or international numbers, repeatable or comma-separated; none = all."},
	}
	event := obj{"type": "object", "required": []any{"specversion", "id", "source", "type", "seq"},
		"description": "A structured CloudEvent (JSON event format) with the extension seq, its stream sequence.",
		"properties":  obj{"seq": seq, "id": str, "source": str, "type": str, "subject": str, "time": str, "wasession": str, "data": obj{}}}
	errs := func(r obj) obj { return withErrors(r, 400, 401, 404, 500) }
	return []staticOperation{
		{http.MethodGet, "/events", obj{"operationId": "events.replay", "tags": []any{"events"},
			"summary":     "The stored events the filters select, oldest first, as NDJSON.",
			"description": "Ends at until, to_seq or the stream's last event when the request came, whichever is first; streamed in constant memory.",
			"parameters":  filters,
			"responses": errs(obj{"200": obj{"description": "One structured CloudEvent per line.",
				"content": obj{"application/x-ndjson": obj{"schema": event}}}})}},
		{http.MethodGet, "/events/stream", obj{"operationId": "events.stream", "tags": []any{"events"},
			"summary":     "The same as Server-Sent Events, then the live tail.",
			"description": "id: is the stream sequence, event: the type, data: the structured CloudEvent; Last-Event-ID (or last_event_id) resumes right after that sequence. Comments keep an idle stream open.",
			"parameters": append(filters,
				obj{"name": "Last-Event-ID", "in": "header", "schema": obj{"type": "string", "pattern": "^[0-9]+$"}},
				obj{"name": "last_event_id", "in": "query", "schema": obj{"type": "string", "pattern": "^[0-9]+$"}}),
			"responses": errs(obj{"200": obj{"description": "An event stream.",
				"content": obj{"text/event-stream": obj{"schema": str}}}})}},
	}
}
