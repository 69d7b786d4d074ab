package n8n_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wabridge/wabridge/webhooks"
)

// harness runs an n8n Code node's JavaScript as n8n does (an async function
// with $input, $env and this.helpers) on one delivery read from stdin, and
// prints what the node returns or the error it throws.
const harness = `
const fs = require('fs');
const code = fs.readFileSync(process.argv[2], 'utf8');
const req = JSON.parse(fs.readFileSync(0, 'utf8'));
const raw = Buffer.from(req.body, 'base64');
const items = [{ json: { headers: req.headers, body: JSON.parse(raw.toString('utf8')) }, binary: { data: {} } }];
const ctx = { helpers: { getBinaryDataBuffer: async (i, name) => { if (i !== 0 || name !== 'data') throw new Error('no binary ' + name); return raw; } } };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const fn = new AsyncFunction('require', '$input', '$env', code);
fn.call(ctx, require, { all: () => items }, { WABRIDGE_WEBHOOK_SECRET: req.secret })
  .then((out) => { process.stdout.write(JSON.stringify({ out })); })
  .catch((err) => { process.stdout.write(JSON.stringify({ error: String(err && err.message || err) })); });
`

type delivery struct {
	Secret  string            `json:"secret"`
	Headers map[string]string `json:"headers"`
	Body    []byte            `json:"body"`
}

type result struct {
	Out []struct {
		JSON struct {
			ID, Type, Session, Subject string
			Data                       map[string]any
		} `json:"json"`
	} `json:"out"`
	Error string `json:"error"`
}

func runCodeNode(t *testing.T, node, code string, d delivery) result {
	t.Helper()
	dir := t.TempDir()
	codeFile, harnessFile := filepath.Join(dir, "code.js"), filepath.Join(dir, "harness.js")
	if err := os.WriteFile(codeFile, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(harnessFile, []byte(harness), 0o600); err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(d)
	cmd := exec.Command(node, harnessFile, codeFile)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("harness output %q: %v", out, err)
	}
	return r
}

func codeNode(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("webhook-reply.json")
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		Nodes []struct {
			Type       string `json:"type"`
			Parameters struct {
				JSCode string `json:"jsCode"`
			} `json:"parameters"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		t.Fatal(err)
	}
	for _, n := range w.Nodes {
		if n.Type == "n8n-nodes-base.code" {
			return n.Parameters.JSCode
		}
	}
	t.Fatal("no Code node in webhook-reply.json")
	return ""
}

// signed is a delivery as wabridge's webhooks sign it.
func signed(t *testing.T, secret string, ts time.Time, headers map[string]string, body []byte) delivery {
	t.Helper()
	key, err := webhooks.ParseSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{"webhook-id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
		"webhook-timestamp": strconv.FormatInt(ts.Unix(), 10), "content-type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	h["webhook-signature"] = webhooks.Sign(key, h["webhook-id"], ts, body)
	return delivery{Secret: secret, Headers: h, Body: body}
}

// TestCodeNodeVerifiesOurSignatures runs the workflow's Code node with node
// (skipped without it) on deliveries signed by wabridge's webhooks.Sign:
// binary and structured mode pass with the event's type and data, a
// tampered body, another secret and an old timestamp are refused.
func TestCodeNodeVerifiesOurSignatures(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	code := codeNode(t)
	secret := webhooks.NewSecret()
	now := time.Now()
	data := []byte(`{"id":"false_4917612345678@s.whatsapp.net_3EB0","chat":{"jid":"4917612345678@s.whatsapp.net"},"text":"hi","is_group":false}`)
	binary := signed(t, secret, now, map[string]string{"ce-type": "io.wabridge.message.received", "ce-wasession": "default",
		"ce-subject": "4917612345678%40s.whatsapp.net", "ce-id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}, data)
	structured := signed(t, secret, now, map[string]string{"content-type": "application/cloudevents+json"},
		[]byte(`{"specversion":"1.0","id":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","type":"io.wabridge.message.received","source":"/wabridge/sales","wasession":"sales","subject":"4917612345678@s.whatsapp.net","data":`+string(data)+`}`))
	for name, tc := range map[string]struct {
		d       delivery
		session string
	}{"binary": {binary, "default"}, "structured": {structured, "sales"}} {
		r := runCodeNode(t, node, code, tc.d)
		if r.Error != "" || len(r.Out) != 1 {
			t.Fatalf("%s: %+v", name, r)
		}
		got := r.Out[0].JSON
		if got.Type != "io.wabridge.message.received" || got.Session != tc.session || got.Subject != "4917612345678@s.whatsapp.net" ||
			got.ID != "0f1e2d3c4b5a69788796a5b4c3d2e1f0" || got.Data["text"] != "hi" {
			t.Fatalf("%s: %+v", name, got)
		}
	}

	tampered := binary
	tampered.Body = bytes.Replace(binary.Body, []byte(`"hi"`), []byte(`"ho"`), 1)
	other := binary
	other.Secret = webhooks.NewSecret()
	old := signed(t, secret, now.Add(-10*time.Minute), map[string]string{"ce-type": "io.wabridge.message.received"}, data)
	unsigned := binary
	unsigned.Headers = map[string]string{"ce-type": "io.wabridge.message.received"}
	for name, d := range map[string]delivery{"tampered body": tampered, "other secret": other, "old timestamp": old, "unsigned": unsigned} {
		if r := runCodeNode(t, node, code, d); r.Error == "" || len(r.Out) != 0 {
			t.Errorf("%s: accepted (%+v)", name, r)
		} else if !strings.Contains(r.Error, "webhook") {
			t.Errorf("%s: error %q does not say what failed", name, r.Error)
		}
	}
}
