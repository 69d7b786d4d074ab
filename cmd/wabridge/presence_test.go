package main

import "testing"

// --presence-subscriptions: the bridge's default, 0 for none (the bridge's
// negative), negative refused.
func TestConfigPresenceSubscriptions(t *testing.T) {
	cfg, err := loadConfig(nil, env(nil))
	if err != nil || cfg.PresenceSubscriptions != 64 || cfg.presenceSubscriptions() != 64 {
		t.Fatalf("default: %d (%d), %v", cfg.PresenceSubscriptions, cfg.presenceSubscriptions(), err)
	}
	cfg, err = loadConfig([]string{"--presence-subscriptions", "0"}, env(nil))
	if err != nil || cfg.presenceSubscriptions() >= 0 {
		t.Fatalf("0: %d, %v", cfg.presenceSubscriptions(), err)
	}
	cfg, err = loadConfig(nil, env(map[string]string{"WABRIDGE_PRESENCE_SUBSCRIPTIONS": "5"}))
	if err != nil || cfg.presenceSubscriptions() != 5 {
		t.Fatalf("environment: %d, %v", cfg.presenceSubscriptions(), err)
	}
	if _, err := loadConfig([]string{"--presence-subscriptions", "-1"}, env(nil)); err == nil {
		t.Fatal("-1 accepted")
	}
}
