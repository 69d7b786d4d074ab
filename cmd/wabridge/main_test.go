package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunSubcommands(t *testing.T) {
	cases := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"version"}, 0, "wabridge dev", ""},
		{[]string{"help"}, 0, "usage: wabridge", ""},
		{nil, 2, "", "usage: wabridge"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"serve", "--no-such-flag"}, 2, "", "no-such-flag"},
		{[]string{"serve", "--http-addr", "0.0.0.0:3000"}, 2, "", "--insecure"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		if got := run(c.args, &out, &errOut); got != c.code {
			t.Errorf("%v: exit %d, want %d (stderr %s)", c.args, got, c.code, errOut.String())
		}
		if !strings.Contains(out.String(), c.stdout) || !strings.Contains(errOut.String(), c.stderr) {
			t.Errorf("%v: stdout %q stderr %q", c.args, out.String(), errOut.String())
		}
	}
}
