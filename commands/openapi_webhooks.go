package commands

import "net/http"

// webhookOperations document the /webhooks routes (CONTRACT §10).
func webhookOperations() []staticOperation {
	str := obj{"type": "string"}
	strs := obj{"type": "array", "items": str}
	id := []any{obj{"name": "id", "in": "path", "required": true, "schema": str}}
	definition := obj{"type": "object", "required": []any{"url"}, "additionalProperties": false,
		"properties": obj{
			"url":             obj{"type": "string", "format": "uri", "description": "http or https; other schemes are URL_NOT_ALLOWED."},
			"events":          obj{"type": "array", "items": str, "description": "CloudEvent types of the catalog; empty = all."},
			"chats":           obj{"type": "array", "items": str, "description": "Chat JIDs; empty = all."},
			"sessions":        obj{"type": "array", "items": str, "description": "Session names; empty = all."},
			"secret":          obj{"type": "string", "pattern": "^whsec_", "description": "Standard Webhooks secret; generated when absent."},
			"previous_secret": obj{"type": "string", "pattern": "^whsec_", "description": "During a rotation: also signs every delivery."},
			"mode":            obj{"enum": []any{"binary", "structured"}, "default": "binary"},
			"concurrency":     obj{"type": "integer", "minimum": 1, "maximum": 64, "default": 1, "description": "Chats delivered in parallel; 1 = strict order over all chats."},
			"max_age":         obj{"oneOf": []any{str, obj{"type": "number"}}, "default": "24h", "description": "How old an event may get while it is retried (Go duration or seconds, from when it was stored), then it is dead-lettered."},
		}}
	view := obj{"type": "object", "properties": obj{
		"id": str, "url": str, "events": strs, "chats": strs, "sessions": strs, "mode": str,
		"concurrency": obj{"type": "integer"}, "max_age": str, "disabled": obj{"type": "boolean"}, "disabled_reason": str,
		"rotating":   obj{"type": "boolean", "description": "A previous secret still signs (a rotation's overlap)."},
		"declared":   obj{"type": "boolean", "description": "Declared in the config file (applied again at every start)."},
		"created_at": obj{"type": "string", "format": "date-time"},
		"node":       obj{"type": "string", "description": "The node holding the webhook's lease: the one delivering it."},
		"status": obj{"type": "object", "properties": obj{
			"running": obj{"type": "boolean"}, "delivered": obj{"type": "integer"}, "last_success": str, "last_error": str,
			"last_error_at": obj{"type": "string", "format": "date-time"}, "last_status": obj{"type": "integer", "description": "HTTP status of the last answer."},
			"consecutive_failures": obj{"type": "integer"}, "lag": obj{"type": "integer"}, "in_flight": obj{"type": "integer"},
			"dead_letters": obj{"type": "integer"}}},
	}}
	op := func(opID, summary string, data obj, params []any, statuses ...int) obj {
		o := obj{"operationId": opID, "summary": summary, "tags": []any{"webhooks"},
			"responses": withErrors(obj{"200": success("Done.", data)}, append([]int{401, 500}, statuses...)...)}
		if params != nil {
			o["parameters"] = params
		}
		return o
	}
	create := op("webhooks.create", "Creates a webhook; its secret is shown only here.",
		obj{"type": "object", "properties": obj{"id": str, "secret": str}}, nil, 400, 413, 415)
	create["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": definition}}}
	deadLetters := op("webhooks.deadletters", "The webhook's dead letters, oldest first, paged (after = the previous page's next_cursor).",
		obj{"type": "object", "properties": obj{"items": obj{"type": "array"}, "next_cursor": obj{"type": "integer"}, "total": obj{"type": "integer"}}},
		append(id, obj{"name": "after", "in": "query", "schema": obj{"type": "integer", "minimum": 0}},
			obj{"name": "limit", "in": "query", "schema": obj{"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}), 400, 404)
	rotate := op("webhooks.rotate", "Rotates the secret: the new one (given or generated, shown only here) signs with the old one until {\"end\": true}; config-file webhooks rotate in the file (403).",
		obj{"type": "object", "properties": obj{"id": str, "secret": str, "rotating": obj{"type": "boolean"}}}, id, 400, 403, 404)
	rotate["requestBody"] = obj{"required": false, "content": obj{"application/json": obj{"schema": obj{"type": "object", "additionalProperties": false,
		"properties": obj{"secret": obj{"type": "string", "pattern": "^whsec_"}, "end": obj{"type": "boolean", "description": "End the overlap: the previous secret stops signing."}}}}}}
	return []staticOperation{
		{http.MethodPost, "/webhooks", create},
		{http.MethodGet, "/webhooks", op("webhooks.list", "Every webhook with its status.", obj{"type": "array", "items": view}, nil)},
		{http.MethodGet, "/webhooks/{id}", op("webhooks.get", "One webhook with its status (last success and error, failures, lag, dead letters).", view, id, 404)},
		{http.MethodDelete, "/webhooks/{id}", op("webhooks.delete", "Deletes the webhook, its consumer and its dead letters.", nil, id, 404)},
		{http.MethodPost, "/webhooks/{id}/test", op("webhooks.test", "Sends a sample event now and answers the receiver's status.",
			obj{"type": "object", "properties": obj{"delivered": obj{"type": "boolean"}, "receiver_status": obj{"type": "integer"}, "error": str, "event_id": str}}, id, 404)},
		{http.MethodGet, "/webhooks/{id}/deadletters", deadLetters},
		{http.MethodPost, "/webhooks/{id}/redrive", op("webhooks.redrive", "Delivers the dead letters again in the background; each delivered one is removed.",
			obj{"type": "object", "properties": obj{"queued": obj{"type": "integer"}, "already_running": obj{"type": "boolean"}}}, id, 404)},
		{http.MethodPost, "/webhooks/{id}/rotate", rotate},
	}
}
