package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigFileWebhooks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wabridge.yaml")
	file := `webhooks:
  - url: http://127.0.0.1:5678/webhook/wa
    events: [io.wabridge.message.received]
    chats: ["4917612345678@s.whatsapp.net"]
    sessions: [default]
    mode: structured
    concurrency: 4
    max_age: 90s
    secret: whsec_I/dhUkyIFnWkn3Gaabw6Y+Gp1ExxJ4me1zcqd3w/fdw=
  - url: https://hooks.example.com/in
    max_age: 30
    secret: whsec_I/dhUkyIFnWkn3Gaabw6Y+Gp1ExxJ4me1zcqd3w/fdw=
webhook_backoff_max: 2s
`
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig([]string{"--config", path}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Webhooks) != 2 {
		t.Fatalf("webhooks %+v", cfg.Webhooks)
	}
	w := cfg.Webhooks[0]
	if w.URL != "http://127.0.0.1:5678/webhook/wa" || w.Mode != "structured" || w.Concurrency != 4 ||
		time.Duration(w.MaxAge) != 90*time.Second || len(w.Events) != 1 || len(w.Chats) != 1 || w.Sessions[0] != "default" {
		t.Errorf("first webhook %+v", w)
	}
	if time.Duration(cfg.Webhooks[1].MaxAge) != 30*time.Second || cfg.WebhookBackoffMax != 2*time.Second {
		t.Errorf("second webhook %+v, backoff max %s", cfg.Webhooks[1], cfg.WebhookBackoffMax)
	}
}

func TestConfigFileWebhooksRefused(t *testing.T) {
	for name, body := range map[string]string{
		"file url":      "webhooks:\n  - url: file:///etc/passwd\n",
		"unknown event": "webhooks:\n  - url: http://127.0.0.1/\n    events: [io.wabridge.nope]\n",
		"unknown field": "webhooks:\n  - url: http://127.0.0.1/\n    event: [io.wabridge.message.received]\n",
		"bad secret":    "webhooks:\n  - url: http://127.0.0.1/\n    secret: hunter2\n",
		// A secret generated for a declared webhook is shown nowhere (GET
		// never shows secrets), so its signatures could never be verified.
		"no secret": "webhooks:\n  - url: http://127.0.0.1/\n",
	} {
		path := filepath.Join(t.TempDir(), "wabridge.yaml")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := loadConfig([]string{"--config", path}, env(nil))
		if err == nil || !strings.Contains(err.Error(), "webhook") {
			t.Errorf("%s: %v, want a webhook error", name, err)
		}
	}
}
