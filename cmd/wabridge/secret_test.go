package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sharedSecret = "a-deployment-secret-of-32-bytes!!"

// TestInternalSecretOption: --internal-secret, WABRIDGE_INTERNAL_SECRET and
// internal_secret set the one secret several processes share; a short one is
// refused.
func TestInternalSecretOption(t *testing.T) {
	file := filepath.Join(t.TempDir(), "wabridge.yaml")
	if err := os.WriteFile(file, []byte("internal_secret: "+sharedSecret+"-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, load := range map[string]func() (Config, error){
		"flag": func() (Config, error) { return loadConfig([]string{"--internal-secret", sharedSecret}, env(nil)) },
		"env": func() (Config, error) {
			return loadConfig(nil, env(map[string]string{"WABRIDGE_INTERNAL_SECRET": sharedSecret}))
		},
		"file": func() (Config, error) { return loadConfig([]string{"--config", file}, env(nil)) },
	} {
		cfg, err := load()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.HasPrefix(cfg.InternalSecret, sharedSecret) {
			t.Errorf("%s: secret %q", name, cfg.InternalSecret)
		}
		got, err := internalSecret(cfg)
		if err != nil || got != cfg.InternalSecret {
			t.Errorf("%s: internalSecret = %q, %v; want the configured one", name, got, err)
		}
	}
	if _, err := loadConfig([]string{"--internal-secret", "too-short"}, env(nil)); err == nil || !strings.Contains(err.Error(), "internal-secret") {
		t.Errorf("short secret: %v", err)
	}
}

// TestInternalSecretDefaultIsRandom: without the option each process makes
// its own, so two processes without it do not trust each other.
func TestInternalSecretDefaultIsRandom(t *testing.T) {
	a, errA := internalSecret(defaultConfig())
	b, errB := internalSecret(defaultConfig())
	if errA != nil || errB != nil || len(a) < 32 || a == b {
		t.Errorf("default secrets %q, %q (%v, %v): want two distinct ones of 32 bytes or more", a, b, errA, errB)
	}
}
