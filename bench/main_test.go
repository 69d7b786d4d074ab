package main

import (
	"os"
	"testing"
)

// TestMain lets the test binary be the webhook scenarios' baseline client,
// as the bench binary is (rawPostsInChild runs the running executable): a
// test binary that ran its tests instead would run the harness again, and
// that one its own children, without end.
func TestMain(m *testing.M) {
	if os.Getenv(rawPostEnv) == "1" {
		os.Exit(runRawPost(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
