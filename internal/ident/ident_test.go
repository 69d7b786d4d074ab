package ident_test

import (
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/ident"
)

func TestValidSession(t *testing.T) {
	for name, want := range map[string]bool{
		"default": true, "a": true, "shop-2": true, "a_b": true, strings.Repeat("a", 32): true,
		"": false, "-a": false, "_a": false, "A": false, "a.b": false, "a b": false, "../x": false,
		strings.Repeat("a", 33): false, "ä": false,
	} {
		if got := ident.ValidSession(name); got != want {
			t.Errorf("ValidSession(%q) = %v, want %v", name, got, want)
		}
	}
	if !ident.ValidSession(ident.DefaultSession) {
		t.Error("the default session name is not valid")
	}
}
