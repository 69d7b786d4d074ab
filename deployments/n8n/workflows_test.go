package n8n_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/schemas"
)

// workflow is the part of n8n's export format the tests read.
type workflow struct {
	Name  string `json:"name"`
	Nodes []struct {
		ID          string          `json:"id"`
		Name        string          `json:"name"`
		Type        string          `json:"type"`
		TypeVersion float64         `json:"typeVersion"`
		Position    []float64       `json:"position"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"nodes"`
	Connections map[string]map[string][][]struct {
		Node  string `json:"node"`
		Type  string `json:"type"`
		Index int    `json:"index"`
	} `json:"connections"`
}

func load(t *testing.T, file string) workflow {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := json.Unmarshal(raw, &w); err != nil {
		t.Fatalf("%s is not a workflow: %v", file, err)
	}
	return w
}

var triggers = []string{"n8n-nodes-base.webhook", "n8n-nodes-base.formTrigger"}

// TestWorkflowsAreWellFormed: names and ids unique, every connection
// between nodes that exist, every node reached from the one trigger.
func TestWorkflowsAreWellFormed(t *testing.T) {
	for _, file := range []string{"webhook-reply.json", "form-send.json"} {
		w := load(t, file)
		if w.Name == "" || len(w.Nodes) < 2 {
			t.Fatalf("%s: name %q, %d nodes", file, w.Name, len(w.Nodes))
		}
		names, ids := map[string]bool{}, map[string]bool{}
		var trigger string
		for _, n := range w.Nodes {
			if names[n.Name] || ids[n.ID] || n.Name == "" || n.ID == "" || n.TypeVersion == 0 || len(n.Position) != 2 {
				t.Fatalf("%s: node %q (id %q) is repeated or incomplete", file, n.Name, n.ID)
			}
			names[n.Name], ids[n.ID] = true, true
			if slices.Contains(triggers, n.Type) {
				trigger = n.Name
			}
		}
		if trigger == "" {
			t.Fatalf("%s: no trigger node", file)
		}
		reached := map[string]bool{trigger: true}
		for changed := true; changed; {
			changed = false
			for from, outs := range w.Connections {
				if !names[from] {
					t.Fatalf("%s: connection from unknown node %q", file, from)
				}
				for _, branch := range outs["main"] {
					for _, to := range branch {
						if !names[to.Node] || to.Type != "main" {
							t.Fatalf("%s: %q connects to unknown node %q", file, from, to.Node)
						}
						if reached[from] && !reached[to.Node] {
							reached[to.Node], changed = true, true
						}
					}
				}
			}
		}
		for name := range names {
			if !reached[name] {
				t.Errorf("%s: node %q is not reached from the trigger", file, name)
			}
		}
	}
}

// httpRequest is an HTTP Request node's parameters.
type httpRequest struct {
	Method          string `json:"method"`
	URL             string `json:"url"`
	ContentType     string `json:"contentType"`
	SpecifyBody     string `json:"specifyBody"`
	HeaderParameter struct {
		Parameters []struct{ Name, Value string } `json:"parameters"`
	} `json:"headerParameters"`
	BodyParameters struct {
		Parameters []struct{ Name, Value string } `json:"parameters"`
	} `json:"bodyParameters"`
}

// dataPath finds what an expression reads of the event data.
var dataPath = regexp.MustCompile(`\$json\.data((?:\.[a-z_]+)+)`)

// TestHTTPNodesCallOurRoutes: each HTTP Request node calls a route of the
// command catalog with a body of the command's own fields (valid against
// its schema with sample values), reading only fields message.received has.
func TestHTTPNodesCallOurRoutes(t *testing.T) {
	set, err := schemas.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	samples := map[string]string{"phone": "4917612345678", "message": "Thanks", "reply_message_id": "false_4917612345678@s.whatsapp.net_3EB0C767"}
	received, _ := events.Lookup(events.TypeMessageReceived)
	sample, _ := json.Marshal(received.Sample)
	var data map[string]any
	_ = json.Unmarshal(sample, &data)
	calls := 0
	for _, file := range []string{"webhook-reply.json", "form-send.json"} {
		for _, n := range load(t, file).Nodes {
			if n.Type != "n8n-nodes-base.httpRequest" {
				continue
			}
			calls++
			var p httpRequest
			if err := json.Unmarshal(n.Parameters, &p); err != nil {
				t.Fatal(err)
			}
			path := p.URL[strings.Index(p.URL, "://")+3:]
			path = path[strings.Index(path, "/"):]
			spec, ok := route(p.Method, path)
			if !ok {
				t.Fatalf("%s: %q calls %s %s, which is no command route", file, n.Name, p.Method, path)
			}
			if p.ContentType != "json" || p.SpecifyBody != "keypair" {
				t.Fatalf("%s: %q sends %s/%s, want JSON fields", file, n.Name, p.ContentType, p.SpecifyBody)
			}
			body := map[string]any{}
			for _, f := range p.BodyParameters.Parameters {
				v, ok := samples[f.Name]
				if !ok {
					t.Fatalf("%s: %q sends field %q, which the test has no sample for", file, n.Name, f.Name)
				}
				body[f.Name] = v
				for _, m := range dataPath.FindAllStringSubmatch(f.Value, -1) {
					if !hasPath(data, strings.Split(m[1][1:], ".")) {
						t.Errorf("%s: %q reads $json.data%s, which message.received data does not have", file, n.Name, m[1])
					}
				}
			}
			raw, _ := json.Marshal(body)
			if err := set.Validate(spec.Schema, raw); err != nil {
				t.Errorf("%s: %q sends %s, not valid for %s: %v", file, n.Name, raw, spec.Name, err)
			}
			var headers []string
			for _, h := range p.HeaderParameter.Parameters {
				headers = append(headers, h.Name)
			}
			if !slices.Contains(headers, "X-Session") || !slices.Contains(headers, "Idempotency-Key") {
				t.Errorf("%s: %q sends headers %v, want X-Session and Idempotency-Key", file, n.Name, headers)
			}
		}
	}
	if calls != 2 {
		t.Fatalf("%d HTTP Request nodes, want one per workflow", calls)
	}
}

func route(method, path string) (commands.Spec, bool) {
	for _, s := range commands.Catalog() {
		if s.Method == method && s.Path == path {
			return s, true
		}
	}
	return commands.Spec{}, false
}

func hasPath(v map[string]any, path []string) bool {
	for i, k := range path {
		next, ok := v[k]
		if !ok {
			return false
		}
		if i == len(path)-1 {
			return true
		}
		if v, ok = next.(map[string]any); !ok {
			return false
		}
	}
	return false
}
