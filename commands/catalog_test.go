package commands_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/schemas"
)

func TestCatalogIsComplete(t *testing.T) {
	set, err := schemas.Compiled()
	if err != nil {
		t.Fatalf("loading schemas: %v", err)
	}
	names, routes := map[string]bool{}, map[string]bool{}
	for _, s := range commands.Catalog() {
		if names[s.Name] {
			t.Errorf("command %s listed twice", s.Name)
		}
		names[s.Name] = true
		route := s.Method + " " + s.Path
		if routes[route] {
			t.Errorf("route %s served twice", route)
		}
		routes[route] = true
		if s.Run == nil {
			t.Errorf("%s has no Run", s.Name)
		}
		if !set.Has(s.Schema) {
			t.Errorf("%s: schema %s missing or not compiled", s.Name, s.Schema)
		}
		if s.Method != http.MethodGet && s.Method != http.MethodPost && s.Method != http.MethodDelete && s.Method != http.MethodPut {
			t.Errorf("%s: method %q", s.Name, s.Method)
		}
		if !strings.HasPrefix(s.Path, "/") {
			t.Errorf("%s: path %q is not absolute", s.Name, s.Path)
		}
		// Names become NATS subject tokens: no wildcards or spaces.
		if strings.ContainsAny(s.Name, " *>") || s.Name == "" {
			t.Errorf("name %q cannot be a subject token", s.Name)
		}
		got, ok := commands.Lookup(s.Name)
		if !ok || got.Name != s.Name || got.Path != s.Path {
			t.Errorf("Lookup(%q) = %+v, %v", s.Name, got, ok)
		}
	}
	if _, ok := commands.Lookup("no.such"); ok {
		t.Error("Lookup found an unknown command")
	}
}

func TestTypes(t *testing.T) {
	if got := commands.TypeOf("send.message"); got != "io.wabridge.command.send.message" {
		t.Errorf("TypeOf = %q", got)
	}
	if got := commands.ResultTypeOf("send.message"); got != "io.wabridge.command.send.message.result" {
		t.Errorf("ResultTypeOf = %q", got)
	}
}

// isQueryName is CONTRACT §6's rule: user.*, chat.list, chat.messages,
// group.info, group.invite_link, app.devices, app.login* only read.
func isQueryName(name string) bool {
	switch name {
	case "chat.list", "chat.messages", "group.info", "group.invite_link", "app.devices":
		return true
	}
	return strings.HasPrefix(name, "user.") || strings.HasPrefix(name, "app.login")
}

func TestCatalogKindsFollowContract(t *testing.T) {
	for _, s := range commands.Catalog() {
		want := commands.Effect
		if isQueryName(s.Name) {
			want = commands.Query
		}
		if s.Kind != want {
			t.Errorf("%s is a %v, CONTRACT §6 says %v", s.Name, s.Kind, want)
		}
		if s.IsQuery() != (want == commands.Query) {
			t.Errorf("%s: IsQuery() = %v", s.Name, s.IsQuery())
		}
	}
}

// Every port a command needs is in commands.Ports, so main's compile-time
// assertion against the bridge covers the whole catalog.
func TestPortsCoverCatalog(t *testing.T) {
	all := reflect.TypeFor[commands.Ports]()
	for _, s := range commands.Catalog() {
		if s.Port == nil || s.Port.Kind() != reflect.Interface {
			t.Errorf("%s declares no port interface (%v)", s.Name, s.Port)
			continue
		}
		if !all.Implements(s.Port) {
			t.Errorf("%s needs %s, which commands.Ports does not embed", s.Name, s.Port)
		}
		// Small ports (STYLE.md): a command needs one or two methods.
		if n := s.Port.NumMethod(); n == 0 || n > 2 {
			t.Errorf("%s: port %s has %d methods", s.Name, s.Port, n)
		}
	}
}
