package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// The node id comes from flag or environment; unset, it is the host name
// and process id; one with a control character is refused at load.
func TestNodeID(t *testing.T) {
	cfg, err := loadConfig([]string{"--node-id", "bridge-1"}, env(nil))
	if err != nil || nodeID(cfg.NodeID) != "bridge-1" {
		t.Fatalf("flag: %q %v", cfg.NodeID, err)
	}
	cfg, err = loadConfig(nil, env(map[string]string{"WABRIDGE_NODE_ID": "bridge-2"}))
	if err != nil || nodeID(cfg.NodeID) != "bridge-2" {
		t.Fatalf("environment: %q %v", cfg.NodeID, err)
	}
	host, _ := os.Hostname()
	if got := nodeID(""); got != fmt.Sprintf("%s-%d", host, os.Getpid()) {
		t.Errorf("default %q", got)
	}
	cfg, err = loadConfig([]string{"--node-id", "a\nb"}, env(nil))
	if err == nil {
		err = cfg.Validate()
	}
	if err == nil || !strings.Contains(err.Error(), "node id") {
		t.Errorf("a node id with a newline: %v", err)
	}
}
