package httpadapter

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// coerce turns a form field's text into the JSON its schema type asks
// for. What does not convert stays a string, so the schema's validation
// names the field and its type instead of the transport guessing:
// reply_message_id=false_120363…@g.us is a string field and stays one, and
// view_once=yes is reported as not a boolean.
func coerce(value, typ string) json.RawMessage {
	switch typ {
	case "boolean":
		if value == "true" || value == "false" {
			return json.RawMessage(value)
		}
	case "integer":
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			return json.RawMessage(strconv.FormatInt(n, 10))
		}
	case "number":
		if f, err := strconv.ParseFloat(value, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.RawMessage(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return mustString(value)
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
