package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir != "./data" || cfg.HTTPAddr != "127.0.0.1:3000" || cfg.NATSListen != "127.0.0.1:4222" {
		t.Fatalf("defaults: %+v", cfg)
	}
	if len(cfg.Sessions) != 1 || cfg.Sessions[0] != "default" || !cfg.QRTerminal {
		t.Fatalf("defaults: %+v", cfg)
	}
}

func TestConfigPrecedenceFlagsOverEnvOverFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "wabridge.yaml")
	yaml := "data_dir: /from/file\nhttp_addr: 127.0.0.1:1111\nsessions: [a, b]\nsandbox: true\nevents_max_age: 48h\nlog_level: debug\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	e := env(map[string]string{
		"WABRIDGE_CONFIG":    file,
		"WABRIDGE_HTTP_ADDR": "127.0.0.1:2222",
		"WABRIDGE_DATA_DIR":  "/from/env",
	})
	cfg, err := loadConfig([]string{"--data-dir", "/from/flag"}, e)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir != "/from/flag" {
		t.Errorf("data dir = %q, want flag value", cfg.DataDir)
	}
	if cfg.HTTPAddr != "127.0.0.1:2222" {
		t.Errorf("http addr = %q, want env value", cfg.HTTPAddr)
	}
	if strings.Join(cfg.Sessions, ",") != "a,b" || !cfg.Sandbox || cfg.EventsMaxAge != 48*time.Hour || cfg.LogLevel != "debug" {
		t.Errorf("file values not applied: %+v", cfg)
	}
}

func TestConfigRejects(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("no_such_key: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"public http without auth", []string{"--http-addr", "0.0.0.0:3000"}, "not a loopback address"},
		{"empty host is all interfaces", []string{"--http-addr", ":3000"}, "not a loopback address"},
		{"public nats without auth", []string{"--nats-listen", "0.0.0.0:4222"}, "no NATS credentials"},
		{"bad session", []string{"--sessions", "Bad.Name"}, "invalid session name"},
		{"bad mode", []string{"--event-mode", "xml"}, "event-mode"},
		{"bad bool", []string{"--sandbox=maybe"}, "boolean"},
		{"unknown key in file", []string{"--config", bad}, "unknown key"},
		{"basic auth without password", []string{"--http-basic-auth", "alice"}, "user:password"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadConfig(c.args, env(nil))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestConfigPublicListenersWithCredentialsOrInsecure(t *testing.T) {
	for _, args := range [][]string{
		{"--http-addr", "0.0.0.0:3000", "--http-tokens", "s3cret", "--nats-listen", "0.0.0.0:4222", "--nats-token", "t"},
		{"--http-addr", "0.0.0.0:3000", "--nats-listen", "0.0.0.0:4222", "--insecure"},
		{"--http-addr", "[::1]:3000", "--nats-listen", "localhost:4222"},
	} {
		if _, err := loadConfig(args, env(nil)); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestRedactURLs(t *testing.T) {
	got := redactURLs("nats://alice:s3cret@n1:4222, nats://tok3n@n2:4222,nats://n3:4222")
	if strings.Contains(got, "s3cret") || strings.Contains(got, "tok3n") {
		t.Fatalf("credentials in %q", got)
	}
	if !strings.Contains(got, "n1:4222") || !strings.Contains(got, "nats://n3:4222") {
		t.Fatalf("hosts lost: %q", got)
	}
}

// The dedup window reaches both streams from flag, environment or file, and
// the default outlasts a restart (1h) unless events are kept for less.
func TestConfigDedupWindow(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "wabridge.yaml")
	if err := os.WriteFile(file, []byte("dedup_window: 3h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want time.Duration
	}{
		{"default", nil, nil, time.Hour},
		{"shrinks to a shorter events max age", []string{"--events-max-age", "20m"}, nil, 20 * time.Minute},
		{"flag", []string{"--dedup-window", "90m"}, nil, 90 * time.Minute},
		{"environment", nil, map[string]string{"WABRIDGE_DEDUP_WINDOW": "2h"}, 2 * time.Hour},
		{"file", []string{"--config", file}, nil, 3 * time.Hour},
		{"flag over environment", []string{"--dedup-window", "5m"}, map[string]string{"WABRIDGE_DEDUP_WINDOW": "2h"}, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := loadConfig(tt.args, env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			for _, sc := range cfg.streamsConfig().StreamConfigs() {
				if sc.Duplicates != tt.want {
					t.Errorf("%s duplicates %s, want %s", sc.Name, sc.Duplicates, tt.want)
				}
			}
		})
	}
	for _, args := range [][]string{
		{"--dedup-window", "2h", "--events-max-age", "1h"},
		{"--dedup-window", "-1m"},
		{"--dedup-window", "soon"},
	} {
		if _, err := loadConfig(args, env(nil)); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestConfigMessageRetention(t *testing.T) {
	cfg, err := loadConfig(nil, env(nil))
	if err != nil || cfg.MessageRetention != 90*24*time.Hour {
		t.Fatalf("default retention %v, %v", cfg.MessageRetention, err)
	}
	cfg, err = loadConfig(nil, env(map[string]string{"WABRIDGE_MESSAGE_RETENTION": "0s"}))
	if err != nil || cfg.MessageRetention != 0 {
		t.Fatalf("retention 0 (forever): %v, %v", cfg.MessageRetention, err)
	}
	if _, err := loadConfig([]string{"--message-retention", "-1h"}, env(nil)); err == nil {
		t.Fatal("a negative retention was accepted")
	}
}

// A lifetime longer than the commands stream keeps a command would let
// JetStream drop a waiting command without any result.
func TestCommandLifetimeWithinTheStream(t *testing.T) {
	if _, err := loadConfig([]string{"--command-lifetime", "240h"}, env(nil)); err == nil || !strings.Contains(err.Error(), "command-lifetime") {
		t.Fatalf("error %v, want one about command-lifetime", err)
	}
	if _, err := loadConfig([]string{"--command-lifetime", "48h"}, env(nil)); err != nil {
		t.Fatal(err)
	}
}
