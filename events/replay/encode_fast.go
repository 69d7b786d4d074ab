package replay

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/bytedance/sonic"
	"github.com/cloudevents/sdk-go/v2/types"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
)

// encodeFast writes the structured JSON of a binary-mode message straight
// from its headers, for the shape the bridge's outbox stores: ce-* values
// without percent escapes, Content-Type application/json, JSON data on one
// line. Decoding into an sdk-go event and marshalling it again costs
// several times more, and a replay reads millions of events. Anything
// else (ok false) takes the general path, which validates and reports.
func encodeFast(h nats.Header, data []byte, seq uint64) (typ string, out []byte, ok bool) {
	if len(h) > cenats.MaxAttributes+4 || !fastData(h, data) {
		return "", nil, false
	}
	var core [6]string // specversion, id, source, type, subject, time
	var ext []string   // extension names, sorted below
	for k, vs := range h {
		name, isCE := ceName(k)
		if !isCE {
			continue
		}
		if len(vs) != 1 || len(vs[0]) > cenats.MaxHeaderValue || !plainValue(vs[0]) {
			return "", nil, false
		}
		i := slices.Index(coreNames[:], name)
		switch {
		case i >= 0 && core[i] != "":
			return "", nil, false // the same attribute twice (header case)
		case i >= 0:
			core[i] = vs[0]
		case name == cenatsSeq:
			// replaced by the stream's sequence
		case validExtension(name) && !slices.Contains(ext, name):
			ext = append(ext, name)
		default:
			return "", nil, false
		}
	}
	if core[0] != "1.0" || core[1] == "" || core[2] == "" || core[3] == "" || !uriRef(core[2]) {
		return "", nil, false
	}
	if core[5] != "" {
		if _, err := types.ParseTimestamp(core[5]); err != nil {
			return "", nil, false
		}
	}
	slices.Sort(ext)
	out = make([]byte, 0, len(data)+512)
	out = append(out, `{"seq":`...)
	out = strconv.AppendUint(out, seq, 10)
	for i, name := range coreNames {
		if core[i] != "" {
			out = appendAttr(out, name, core[i])
		}
	}
	out = appendAttr(out, "datacontenttype", "application/json")
	for _, name := range ext {
		out = appendAttr(out, name, headerOf(h, name))
	}
	out = append(out, `,"data":`...)
	out = append(out, data...)
	return core[3], append(out, '}'), true
}

const cenatsSeq = ExtSeq

// uriRef checks source as the general path does; an absolute path (the
// bridge's /wabridge/<session>) of plain characters always parses.
func uriRef(s string) bool {
	return strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") || types.ParseURIRef(s) != nil
}

var coreNames = [6]string{"specversion", "id", "source", "type", "subject", "time"}

// fastData: JSON data as the outbox writes it (valid, one line: no CR
// either, which ends a line for Server-Sent Events). sonic's
// validator (gin's JSON library, so already in the build) is several times
// faster than encoding/json's, which was half the cost of an event.
func fastData(h nats.Header, data []byte) bool {
	ct := h["Content-Type"]
	return len(ct) == 1 && ct[0] == "application/json" && len(data) > 0 &&
		bytes.IndexAny(data, "\r\n") < 0 && sonic.Valid(data)
}

// ceName is the attribute of a ce-* header name (any case), lower-cased.
func ceName(k string) (string, bool) {
	if len(k) < 4 || !strings.EqualFold(k[:3], "ce-") {
		return "", false
	}
	return strings.ToLower(k[3:]), true
}

// plainValue: nothing to percent-decode and nothing to escape in JSON.
// An empty value (an absent optional attribute) takes the general path.
func plainValue(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f || c == '%' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// validExtension is the CloudEvents rule for attribute names.
func validExtension(name string) bool {
	if name == "" || len(name) > 20 || name == "data" || name == "datacontenttype" || name == "dataschema" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func headerOf(h nats.Header, name string) string {
	for k, vs := range h {
		if n, ok := ceName(k); ok && n == name {
			return vs[0]
		}
	}
	return ""
}

// appendAttr appends ,"name":"value"; plainValue made value safe to copy.
func appendAttr(out []byte, name, value string) []byte {
	out = append(out, ',', '"')
	out = append(out, name...)
	out = append(out, '"', ':', '"')
	out = append(out, value...)
	return append(out, '"')
}
