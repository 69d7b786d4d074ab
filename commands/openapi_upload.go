package commands

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
)

// multipartFormData is the body type of REST uploads. The REST adapter
// takes it on every route whose command has a field named like a media
// kind (httpadapter's mediaKinds): the same rule decides here, from the
// schema, so the document cannot list other routes than the adapter serves.
const multipartFormData = "multipart/form-data"

// uploadTypes is what a file part of each kind may be, for the encoding's
// contentType (a list, as OpenAPI allows there), and the family named as
// the field's contentMediaType. Documents are any bytes: neither is said.
var uploadTypes = map[media.Kind]struct{ accepted, family string }{
	media.Image:   {"image/jpeg, image/png, image/gif, image/webp", "image/*"},
	media.Sticker: {"image/webp, image/png, image/jpeg, image/gif", "image/*"},
	media.Audio:   {"audio/*, application/ogg", "audio/*"},
	media.Video:   {"video/*", "video/*"},
}

// mediaFields are the schema's fields that take a file, sorted.
func mediaFields(schema obj) []string {
	props, _ := schema["properties"].(obj)
	var out []string
	for _, name := range sortedKeys(props) {
		if media.Kind(name).Valid() {
			out = append(out, name)
		}
	}
	return out
}

// sourceForms names the ways a media field is given in JSON.
func sourceForms() string {
	return "a data: URL (data:<mimetype>;base64,...), an http or https URL the bridge fetches, or " +
		mediastore.Ref(mediastore.DefaultBucket, "<name>") + " (an object put into the store beforehand)"
}

// uploadDescription is the requestBody's description of a media command:
// both body types and what the media fields become.
func uploadDescription(fields []string) string {
	list := "`" + strings.Join(fields, "`, `") + "`"
	return fmt.Sprintf("application/json: %s is %s.\n\n"+
		"multipart/form-data (curl -F): %s may be a file part, streamed into the JetStream object store %s "+
		"(never held whole in memory); the command then carries %s. A text part there is a source as in JSON. "+
		"The other fields are text parts converted by their types (true/false, numbers); an array field is repeated once per item.",
		list, sourceForms(), list, mediastore.DefaultBucket, mediastore.Ref(mediastore.DefaultBucket, "<upload name>"))
}

// multipartForm is the multipart/form-data alternative of a media
// command's body, built from its schema (path parameters left out, as in
// JSON); ok is false when the schema has no media field.
func multipartForm(schema obj, pathParams []string) (form obj, ok bool) {
	files := mediaFields(schema)
	if len(files) == 0 {
		return nil, false
	}
	props, _ := schema["properties"].(obj)
	fields, encoding := obj{}, obj{}
	for _, name := range sortedKeys(props) {
		if slices.Contains(pathParams, name) {
			continue
		}
		prop, _ := props[name].(obj)
		switch {
		case slices.Contains(files, name):
			fields[name], encoding[name] = filePart(media.Kind(name))
		case prop["type"] == "array":
			fields[name] = prop
			// One text part per item, as curl -F name=a -F name=b sends them.
			encoding[name] = obj{"contentType": "text/plain", "style": "form", "explode": true}
		default:
			fields[name] = prop
		}
	}
	s := obj{"type": "object", "properties": fields}
	if extra, set := schema["additionalProperties"]; set {
		s["additionalProperties"] = extra
	}
	var req []any
	for _, r := range schemaRequired(schema) {
		if !slices.Contains(pathParams, r) {
			req = append(req, r)
		}
	}
	if len(req) > 0 {
		s["required"] = req
	}
	return obj{"schema": s, "encoding": encoding}, true
}

// filePart is the form field and encoding of a media field sent as a file.
func filePart(k media.Kind) (field, encoding obj) {
	field = obj{"type": "string", "format": "binary", "description": fmt.Sprintf(
		"The %s as a file part (a part with a filename). Its Content-Type, unless application/octet-stream, and its filename "+
			"are kept with the object as the declared mimetype and filename; more than the %s limit (--media-max-size) is "+
			"MEDIA_TOO_LARGE (a body over the upload bound is PAYLOAD_TOO_LARGE). As a text part: %s.", k, k, sourceForms())}
	encoding = obj{"contentType": "application/octet-stream"}
	if t, ok := uploadTypes[k]; ok {
		field["contentMediaType"] = t.family
		encoding["contentType"] = t.accepted
	}
	return field, encoding
}
