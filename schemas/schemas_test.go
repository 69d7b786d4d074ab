package schemas_test

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wabridge/wabridge/schemas"
)

func TestLoadCompilesEveryDocument(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var want []string
	err = fs.WalkDir(schemas.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			want = append(want, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(set.Paths(), want) {
		t.Errorf("compiled %v, embedded %v", set.Paths(), want)
	}
	if !set.Has("commands/send.message.json") {
		t.Error("send.message schema missing")
	}
}

func TestValidate(t *testing.T) {
	set, err := schemas.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	const send = "commands/send.message.json"
	tests := []struct {
		name   string
		schema string
		doc    string
		issues []schemas.Issue // nil: valid
	}{
		{"valid", send, `{"phone":"4917612345678","message":"hi"}`, nil},
		{"all fields", send, `{"phone":"1@g.us","message":"hi","reply_message_id":"x","mentions":["1"],"view_once":false,"is_forwarded":true}`, nil},
		{"missing required", send, `{}`, []schemas.Issue{{"/message", "is required"}, {"/phone", "is required"}}},
		{"unknown field", send, `{"phone":"1","message":"m","mesage":"m"}`, []schemas.Issue{{"/mesage", "is not a known field"}}},
		{"wrong type", send, `{"phone":"1","message":"m","view_once":"yes"}`, []schemas.Issue{{"/view_once", "got string, want boolean"}}},
		{"item type", send, `{"phone":"1","message":"m","mentions":["a",2]}`, []schemas.Issue{{"/mentions/1", "got number, want string"}}},
		{"field name with slash", send, `{"phone":"1","message":"m","a/b~c":1}`, []schemas.Issue{{"/a~1b~0c", "is not a known field"}}},
		{"not an object", send, `[]`, []schemas.Issue{{"", "got array, want object"}}},
		{"pattern", "commands/app.login_with_code.json", `{"phone":"+4917"}`, []schemas.Issue{{"/phone", ""}}},
		{"empty object", "commands/app.logout.json", `{}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := set.Validate(tt.schema, []byte(tt.doc))
			if tt.issues == nil {
				if err != nil {
					t.Fatalf("valid document rejected: %v", err)
				}
				return
			}
			var ve *schemas.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want *ValidationError", err)
			}
			if ve.Schema != tt.schema || len(ve.Issues) != len(tt.issues) {
				t.Fatalf("issues %+v, want %+v", ve.Issues, tt.issues)
			}
			for i, want := range tt.issues {
				got := ve.Issues[i]
				if got.Field != want.Field || got.Reason == "" || (want.Reason != "" && got.Reason != want.Reason) {
					t.Errorf("issue %d = %+v, want %+v", i, got, want)
				}
			}
		})
	}
}

func TestValidateRejectsNonJSON(t *testing.T) {
	set, err := schemas.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{``, `{`, `{"a":1} {}`, "\xff"} {
		var ve *schemas.ValidationError
		if err := set.Validate("commands/app.logout.json", []byte(doc)); !errors.As(err, &ve) || !strings.Contains(ve.Error(), "not valid JSON") {
			t.Errorf("%q: got %v", doc, err)
		}
	}
}

func TestValidateUnknownSchema(t *testing.T) {
	set, err := schemas.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate("commands/nope.json", []byte(`{}`)); !errors.Is(err, schemas.ErrUnknownSchema) {
		t.Errorf("got %v, want ErrUnknownSchema", err)
	}
}

func TestLoadFS(t *testing.T) {
	const head = `{"$schema":"https://json-schema.org/draft/2020-12/schema",`
	tests := []struct {
		name  string
		files fstest.MapFS
		ok    bool
	}{
		{"relative ref between files", fstest.MapFS{
			"events/jid.json": {Data: []byte(head + `"$id":"https://wabridge.io/schemas/events/jid.json","type":"object","required":["jid"]}`)},
			"events/msg.json": {Data: []byte(head + `"$id":"https://wabridge.io/schemas/events/msg.json","properties":{"from":{"$ref":"jid.json"}}}`)},
		}, true},
		{"broken JSON", fstest.MapFS{"commands/x.json": {Data: []byte(`{`)}}, false},
		{"not a schema", fstest.MapFS{"commands/x.json": {Data: []byte(head + `"type":7}`)}}, false},
		{"ref to nowhere", fstest.MapFS{"commands/x.json": {Data: []byte(head + `"$ref":"https://example.com/s.json"}`)}}, false},
		{"non-JSON files are ignored", fstest.MapFS{"events/README.md": {Data: []byte("# hi")}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := schemas.LoadFS(tt.files)
			if (err == nil) != tt.ok {
				t.Fatalf("LoadFS error %v, want ok=%v", err, tt.ok)
			}
			if tt.name == "relative ref between files" {
				var ve *schemas.ValidationError
				if err := set.Validate("events/msg.json", []byte(`{"from":{}}`)); !errors.As(err, &ve) || ve.Issues[0].Field != "/from/jid" {
					t.Errorf("ref not followed: %v", err)
				}
			}
		})
	}
}

func TestCompiledIsSharedAndComplete(t *testing.T) {
	a, err := schemas.Compiled()
	if err != nil {
		t.Fatalf("Compiled: %v", err)
	}
	b, err := schemas.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("Compiled compiled twice")
	}
	fresh, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Paths(), fresh.Paths()) {
		t.Errorf("Compiled holds %v, Load %v", a.Paths(), fresh.Paths())
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := schemas.Load(); err != nil {
			b.Fatal(err)
		}
	}
}
