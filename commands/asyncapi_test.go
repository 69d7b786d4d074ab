package commands_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/events"
)

var updateAsyncAPI = flag.Bool("update-asyncapi", false, "rewrite schemas/asyncapi.yaml from the catalogs")

// committedVersion is info.version of the committed schemas/asyncapi.yaml;
// the REST adapter serves the document with the binary's version.
const committedVersion = "1.0.0"

// committedYAML is built once per test binary: YAML is the slow part of the
// document, and two tests read the same bytes.
var committedYAML = sync.OnceValues(func() ([]byte, error) { return commands.AsyncAPIYAML(committedVersion) })

func asyncAPIDoc(t *testing.T) (map[string]any, []byte) {
	t.Helper()
	raw, err := commands.AsyncAPI("1.2.3")
	if err != nil {
		t.Fatalf("AsyncAPI: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("document is not JSON: %v", err)
	}
	return doc, raw
}

func member(t *testing.T, v any, path ...string) map[string]any {
	t.Helper()
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: not an object on the way", strings.Join(path, "/"))
		}
		v = m[p]
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: missing", strings.Join(path, "/"))
	}
	return m
}

// channelsByAddress indexes the channels and, through their messages, the
// CloudEvent types they carry.
func channelsByAddress(t *testing.T, doc map[string]any) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, ch := range member(t, doc, "channels") {
		ch := ch.(map[string]any)
		addr, _ := ch["address"].(string)
		for _, m := range ch["messages"].(map[string]any) {
			msg, errText := resolvePointer(doc, m.(map[string]any)["$ref"].(string))
			if errText != "" {
				t.Fatalf("channel %s: %s", addr, errText)
			}
			out[addr] = append(out[addr], msg.(map[string]any)["name"].(string))
		}
	}
	return out
}

// TestAsyncAPIDescribesBothCatalogs: every command has its cmd and rpc
// channel (and an effect its result channel), every event type its evt
// channel with the chat token of CONTRACT §4, each carrying its message.
func TestAsyncAPIDescribesBothCatalogs(t *testing.T) {
	doc, _ := asyncAPIDoc(t)
	if doc["asyncapi"] != "3.0.0" || member(t, doc, "info")["version"] != "1.2.3" {
		t.Fatalf("asyncapi %v, info.version %v", doc["asyncapi"], member(t, doc, "info")["version"])
	}
	byAddr := channelsByAddress(t, doc)
	has := func(addr, typ string) bool {
		for _, got := range byAddr[addr] {
			if got == typ {
				return true
			}
		}
		return false
	}
	for _, s := range commands.Catalog() {
		for _, kind := range []string{"cmd", "rpc"} {
			if addr := "wa.{session}." + kind + "." + s.Name; !has(addr, commands.TypeOf(s.Name)) {
				t.Errorf("%s: no channel %s carrying %s", s.Name, addr, commands.TypeOf(s.Name))
			}
		}
		result := "wa.{session}.result." + s.Name
		if want := s.Kind == commands.Effect; has(result, commands.ResultTypeOf(s.Name)) != want {
			t.Errorf("%s (%v): result channel present = %v", s.Name, s.Kind, !want)
		}
	}
	for _, s := range events.Catalog() {
		addr := "wa.{session}.evt._." + s.Name()
		if s.Chat {
			addr = "wa.{session}.evt.{chat}." + s.Name()
		}
		if !has(addr, s.Type) {
			t.Errorf("%s: no channel %s carrying it", s.Type, addr)
		}
	}
	if want := 3*len(commands.Catalog()) + len(events.Catalog()); len(member(t, doc, "channels")) < want {
		t.Errorf("%d channels, want at least %d", len(member(t, doc, "channels")), want)
	}
}

var (
	channelKey   = regexp.MustCompile(`^[A-Za-z0-9_\-]+$`)
	componentKey = regexp.MustCompile(`^[a-zA-Z0-9.\-_]+$`)
	addressParam = regexp.MustCompile(`\{([^}]+)\}`)
)

// TestAsyncAPIStructure checks what the AsyncAPI 3.0 specification asks
// beyond JSON shape (the document was also checked with @asyncapi/parser,
// which the suite does not depend on): keys, parameters matching addresses,
// operations naming messages of their own channel, every $ref resolving.
func TestAsyncAPIStructure(t *testing.T) {
	doc, _ := asyncAPIDoc(t)
	for id, ch := range member(t, doc, "channels") {
		if !channelKey.MatchString(id) {
			t.Errorf("channel id %q", id)
		}
		ch := ch.(map[string]any)
		addr, _ := ch["address"].(string)
		params, _ := ch["parameters"].(map[string]any)
		var named []string
		for _, m := range addressParam.FindAllStringSubmatch(addr, -1) {
			named = append(named, m[1])
			if params[m[1]] == nil {
				t.Errorf("channel %s: address parameter %s is not described", id, m[1])
			}
		}
		if len(named) != len(params) {
			t.Errorf("channel %s: parameters %v, address names %v", id, params, named)
		}
	}
	for id, op := range member(t, doc, "operations") {
		op := op.(map[string]any)
		if !channelKey.MatchString(id) || (op["action"] != "send" && op["action"] != "receive") {
			t.Errorf("operation %q: action %v", id, op["action"])
		}
		checkOperationMessages(t, id, op)
		if reply, ok := op["reply"].(map[string]any); ok {
			checkOperationMessages(t, id+" reply", reply)
		}
	}
	for kind, set := range member(t, doc, "components") {
		for key := range set.(map[string]any) {
			if !componentKey.MatchString(key) {
				t.Errorf("components/%s key %q", kind, key)
			}
		}
	}
	refs := 0
	walkRefs(doc, func(r string) {
		refs++
		if _, errText := resolvePointer(doc, r); errText != "" {
			t.Errorf("$ref %q: %s", r, errText)
		}
	})
	if refs == 0 {
		t.Fatal("no $ref found; the walk is broken")
	}
}

// checkOperationMessages: an operation's messages must be messages of its
// channel (AsyncAPI 3.0, Operation Object).
func checkOperationMessages(t *testing.T, id string, op map[string]any) {
	t.Helper()
	channel := op["channel"].(map[string]any)["$ref"].(string)
	msgs, _ := op["messages"].([]any)
	if len(msgs) == 0 {
		t.Errorf("operation %s names no message", id)
	}
	for _, m := range msgs {
		if r := m.(map[string]any)["$ref"].(string); !strings.HasPrefix(r, channel+"/messages/") {
			t.Errorf("operation %s: message %s is not one of %s", id, r, channel)
		}
	}
}

func walkRefs(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		if r, ok := v["$ref"].(string); ok {
			fn(r)
		}
		for _, sub := range v {
			walkRefs(sub, fn)
		}
	case []any:
		for _, sub := range v {
			walkRefs(sub, fn)
		}
	}
}

// TestAsyncAPIPayloadsValidateSamples compiles every message payload out of
// the document and validates the event catalog's samples (the messages'
// examples) against them, so the embedded schemas are the ones events.Validate
// applies.
func TestAsyncAPIPayloadsValidateSamples(t *testing.T) {
	doc, _ := asyncAPIDoc(t)
	const base = "https://asyncapi.test/asyncapi.json"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(base, doc); err != nil {
		t.Fatalf("adding document: %v", err)
	}
	examples := 0
	for id, m := range member(t, doc, "components", "messages") {
		m := m.(map[string]any)
		sch, err := c.Compile(base + m["payload"].(map[string]any)["$ref"].(string))
		if err != nil {
			t.Fatalf("message %s: compiling payload: %v", id, err)
		}
		list, _ := m["examples"].([]any)
		for _, ex := range list {
			examples++
			if err := sch.Validate(ex.(map[string]any)["payload"]); err != nil {
				t.Errorf("message %s: example does not match payload: %v", id, err)
			}
			if got := ex.(map[string]any)["headers"].(map[string]any)["ce-type"]; got != m["name"] {
				t.Errorf("message %s: example ce-type %v", id, got)
			}
		}
		if strings.HasSuffix(id, "Event") && len(list) == 0 {
			t.Errorf("event message %s has no example", id)
		}
	}
	if examples != len(events.Catalog()) {
		t.Errorf("%d examples, want one per event type (%d)", examples, len(events.Catalog()))
	}
}

func TestAsyncAPIIsDeterministic(t *testing.T) {
	_, a := asyncAPIDoc(t)
	_, b := asyncAPIDoc(t)
	if !bytes.Equal(a, b) {
		t.Error("two builds differ")
	}
}

func TestAsyncAPINeedsVersion(t *testing.T) {
	if _, err := commands.AsyncAPI(""); err == nil {
		t.Error("empty version accepted")
	}
}

// TestAsyncAPIYAMLIsTheSameDocument: /asyncapi.yaml and /asyncapi.json
// describe the same thing, strings that look like numbers included.
func TestAsyncAPIYAMLIsTheSameDocument(t *testing.T) {
	rawJSON, err := commands.AsyncAPI(committedVersion)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(rawJSON, &doc); err != nil {
		t.Fatal(err)
	}
	raw, err := committedYAML()
	if err != nil {
		t.Fatal(err)
	}
	var fromYAML any
	if err := yaml.Unmarshal(raw, &fromYAML); err != nil {
		t.Fatalf("YAML does not decode: %v", err)
	}
	// Through JSON, so YAML's ints and JSON's float64s compare equal.
	j, err := json.Marshal(fromYAML)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, doc) {
		t.Error("the YAML document differs from the JSON one")
	}
	if bytes.Contains(raw, []byte("{\"")) {
		t.Error("YAML kept JSON's flow style")
	}
}

// TestAsyncAPIFileIsCurrent keeps the committed schemas/asyncapi.yaml equal
// to what the catalogs generate.
func TestAsyncAPIFileIsCurrent(t *testing.T) {
	want, err := committedYAML()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("..", "schemas", "asyncapi.yaml")
	if *updateAsyncAPI {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("schemas/asyncapi.yaml is stale; regenerate it: go test ./commands -run TestAsyncAPIFileIsCurrent -update-asyncapi")
	}
}
