package commands

// mediaOperation is GET /media/{id}: stored media served with its type,
// its sha256 as ETag and byte ranges (CONTRACT §7).
func mediaOperation() obj {
	body := obj{"schema": obj{"type": "string", "format": "binary"}}
	return obj{"operationId": "media.get", "summary": "A stored media object (received media by the id in its event).",
		"description": "Served from the JetStream object store WA_MEDIA; media not stored yet is downloaded from WhatsApp first. " +
			"View-once media is served once (whole, without ranges) and deleted. Content-Disposition is inline only for images, audio and video.",
		"tags":       []any{"media"},
		"parameters": mediaParameters(),
		"responses": withErrors(obj{
			"200": obj{"description": "The whole object.", "content": obj{"*/*": body}, "headers": mediaHeaders()},
			"206": obj{"description": "The requested range.", "content": obj{"*/*": body}, "headers": obj{"Content-Range": header("bytes first-last/size")}},
			"304": obj{"description": "Not modified (If-None-Match matched)."},
			"416": obj{"description": "The range is outside the object.", "headers": obj{"Content-Range": header("bytes */size")}},
		}, 400, 401, 404, 500, 502, 503),
	}
}

// mediaHeadOperation is HEAD /media/{id}: GET's answer without the body,
// e.g. to learn the size and ETag first. It stores missing media as GET
// does but never uses up view-once media.
func mediaHeadOperation() obj {
	return obj{"operationId": "media.head", "summary": "The headers GET /media/{id} would answer, without the content.",
		"description": "Media not stored yet is downloaded from WhatsApp first; view-once media is not deleted by a HEAD.",
		"tags":        []any{"media"},
		"parameters":  mediaParameters(),
		"responses": withErrors(obj{
			"200": obj{"description": "The object exists; Content-Length is its size.", "headers": mediaHeaders()},
			"206": obj{"description": "The requested range would be answered.", "headers": obj{"Content-Range": header("bytes first-last/size")}},
			"304": obj{"description": "Not modified (If-None-Match matched)."},
			"416": obj{"description": "The range is outside the object.", "headers": obj{"Content-Range": header("bytes */size")}},
		}, 400, 401, 404, 500, 502, 503),
	}
}

func mediaParameters() []any {
	return []any{
		obj{"name": "id", "in": "path", "required": true, "schema": obj{"type": "string", "minLength": 1}},
		ref("#/components/parameters/Session"), ref("#/components/parameters/SessionQuery"),
		obj{"name": "Range", "in": "header", "schema": obj{"type": "string"}, "description": "One byte range (bytes=0-1023); several ranges get the whole object."},
		obj{"name": "If-None-Match", "in": "header", "schema": obj{"type": "string"}, "description": "The ETag of a copy the client has: 304 when it is current."},
	}
}

func mediaHeaders() obj {
	return obj{
		"ETag":                header(`The content's sha256 in hex, quoted.`),
		"Content-Disposition": header("inline or attachment, with the filename."),
	}
}

func header(desc string) obj { return obj{"description": desc, "schema": obj{"type": "string"}} }
