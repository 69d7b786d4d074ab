package schemas

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Issue is one reason a document is invalid, in a form fit for users:
// Field is a JSON pointer into the document ("" is the document itself,
// "/phone" a top-level field), Reason says what is wrong there.
type Issue struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// ValidationError reports why a document does not satisfy its schema.
type ValidationError struct {
	Schema string  // path of the schema, e.g. "commands/send.message.json"
	Issues []Issue // at least one, sorted by field
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Issues))
	for i, is := range e.Issues {
		field := is.Field
		if field == "" {
			field = "(document)"
		}
		parts[i] = field + ": " + is.Reason
	}
	return "data does not match " + e.Schema + ": " + strings.Join(parts, "; ")
}

// ErrUnknownSchema is returned for a path the set does not hold: a
// programming error, not the caller's input.
var ErrUnknownSchema = errors.New("unknown schema")

// Validate checks doc (JSON) against the schema at path. It returns nil, a
// *ValidationError for input that is not valid JSON or breaks the schema,
// or an error wrapping ErrUnknownSchema.
func (s *Set) Validate(path string, doc []byte) error {
	sch, ok := s.compiled[path]
	if !ok {
		return fmt.Errorf("validating against %s: %w", path, ErrUnknownSchema)
	}
	// UnmarshalJSON keeps numbers as json.Number, so large integers are
	// checked against minimum/maximum without float rounding.
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return &ValidationError{Schema: path, Issues: []Issue{{Reason: "not valid JSON: " + err.Error()}}}
	}
	err = sch.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("validating against %s: %w", path, err)
	}
	return &ValidationError{Schema: path, Issues: issues(ve)}
}

// issues flattens the error tree into its leaves, the concrete reasons; the
// inner nodes ("allOf failed", "$ref failed") say nothing a user can act on.
func issues(root *jsonschema.ValidationError) []Issue {
	p := message.NewPrinter(language.English)
	var out []Issue
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		out = append(out, leafIssues(e, p)...)
	}
	walk(root)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// leafIssues points "missing" and "unknown" properties at the property
// itself rather than at the object holding it, which is where users look.
func leafIssues(e *jsonschema.ValidationError, p *message.Printer) []Issue {
	at := pointer(e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		out := make([]Issue, len(k.Missing))
		for i, name := range k.Missing {
			out[i] = Issue{Field: at + "/" + escape(name), Reason: "is required"}
		}
		return out
	case *kind.AdditionalProperties:
		out := make([]Issue, len(k.Properties))
		for i, name := range k.Properties {
			out[i] = Issue{Field: at + "/" + escape(name), Reason: "is not a known field"}
		}
		return out
	}
	return []Issue{{Field: at, Reason: e.ErrorKind.LocalizedString(p)}}
}

func pointer(tokens []string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(escape(t))
	}
	return sb.String()
}

// escape encodes a reference token as RFC 6901 asks.
func escape(token string) string {
	return strings.ReplaceAll(strings.ReplaceAll(token, "~", "~0"), "/", "~1")
}
