package main

import "testing"

// --reject-calls and its message come from flags or the environment;
// calls ring through by default.
func TestConfigRejectCalls(t *testing.T) {
	cfg, err := loadConfig(nil, env(nil))
	if err != nil || cfg.RejectCalls || cfg.RejectCallMessage != "" {
		t.Fatalf("default: reject %v message %q, %v", cfg.RejectCalls, cfg.RejectCallMessage, err)
	}
	cfg, err = loadConfig([]string{"--reject-calls", "--reject-call-message", "Please write instead."}, env(nil))
	if err != nil || !cfg.RejectCalls || cfg.RejectCallMessage != "Please write instead." {
		t.Fatalf("flags: reject %v message %q, %v", cfg.RejectCalls, cfg.RejectCallMessage, err)
	}
	cfg, err = loadConfig(nil, env(map[string]string{"WABRIDGE_REJECT_CALLS": "true", "WABRIDGE_REJECT_CALL_MESSAGE": "busy"}))
	if err != nil || !cfg.RejectCalls || cfg.RejectCallMessage != "busy" {
		t.Fatalf("environment: reject %v message %q, %v", cfg.RejectCalls, cfg.RejectCallMessage, err)
	}
}
