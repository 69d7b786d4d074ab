package main

import (
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/media"
)

// Every media command of the reference takes multipart uploads: its route
// has the field named like its kind, typed from the schema.
func TestMediaRoutesTakeUploads(t *testing.T) {
	rts, err := routes()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"send.image": "image", "send.audio": "audio", "send.video": "video",
		"send.document": "document", "send.sticker": "sticker", "group.photo": "image"}
	for _, r := range rts {
		field, ok := want[r.Name]
		if !ok {
			continue
		}
		delete(want, r.Name)
		if r.Fields[field] != "string" || !media.Kind(field).Valid() {
			t.Errorf("%s: fields %v, want %s a string", r.Name, r.Fields, field)
		}
	}
	for name := range want {
		t.Errorf("%s has no REST route", name)
	}
}

func TestSchemaFieldTypes(t *testing.T) {
	f, err := schemaFields("commands/send.image.json")
	if err != nil {
		t.Fatal(err)
	}
	if f["view_once"] != "boolean" || f["phone"] != "string" || f["reply_message_id"] != "string" {
		t.Fatalf("fields = %v", f)
	}
	for raw, want := range map[string]string{`"integer"`: "integer", `["boolean","string"]`: "string", `["integer","null"]`: "integer", `{}`: "string", ``: "string"} {
		if got := fieldType([]byte(raw)); got != want {
			t.Errorf("fieldType(%s) = %q, want %q", raw, got, want)
		}
	}
	if _, err := schemaFields("commands/nothing.json"); err == nil {
		t.Fatal("a missing schema gave fields")
	}
}

func TestConfigMediaRetention(t *testing.T) {
	cfg, err := loadConfig(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MediaMaxAge != 30*24*time.Hour || cfg.MediaMaxBytes != 20<<30 {
		t.Fatalf("defaults: %s %d", cfg.MediaMaxAge, cfg.MediaMaxBytes)
	}
	cfg, err = loadConfig([]string{"--media-max-age", "72h", "--media-max-bytes", "0"}, func(string) string { return "" })
	if err != nil || cfg.MediaMaxAge != 72*time.Hour || cfg.MediaMaxBytes != 0 {
		t.Fatalf("flags: %s %d %v", cfg.MediaMaxAge, cfg.MediaMaxBytes, err)
	}
	p := &mediaPart{cfg: Config{MediaMaxSize: media.Limits{Video: 5}}}
	if l := p.limits(); l.Video != 5 || l.Document != media.DefaultLimits().Document {
		t.Fatalf("limits = %+v", l)
	}
}
