package jsonyaml_test

import (
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/jsonyaml"
)

// The YAML keeps the document's key order and each scalar's JSON type.
func TestConvert(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"key order", `{"z":1,"a":{"y":true,"b":null}}`, "z: 1\na:\n  y: true\n  b: null\n"},
		{"strings that read as other types are quoted", `["1.0","true","~","null","- x",""]`,
			"- \"1.0\"\n- \"true\"\n- \"~\"\n- \"null\"\n- '- x'\n- \"\"\n"},
		{"numbers keep their type", `[1,-2.5,1e3,-0]`, "- 1\n- -2.5\n- 1e3\n- -0.0\n"},
		{"empty collections", `{"o":{},"a":[]}`, "o: {}\na: []\n"},
		{"a repeated key keeps the last value at its first place", `{"a":1,"b":2,"a":3}`, "a: 3\nb: 2\n"},
		{"a scalar document", `"x"`, "x\n"},
		{"nested sequences", `{"s":[[1],{"k":"v"}]}`, "s:\n  - - 1\n  - k: v\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := jsonyaml.Convert([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// What is not one JSON document is refused, saying so.
func TestConvertRefuses(t *testing.T) {
	for _, in := range []string{``, `{"a":`, `{"a":1} {"b":2}`, `[1,]`, `{1:2}`} {
		_, err := jsonyaml.Convert([]byte(in))
		if err == nil || !strings.Contains(err.Error(), "JSON") {
			t.Errorf("Convert(%q) = %v, want an error about the JSON", in, err)
		}
	}
}
