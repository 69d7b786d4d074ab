package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/events"
)

// readmeTable returns the rows of the first table under heading, each as
// its cells without the backquotes.
func readmeTable(t *testing.T, heading string) [][]string {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README has no %q section", heading)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var rows [][]string
	inTable := false
	for line := range strings.SplitSeq(section, "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i, c := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(c), "`")
		}
		if strings.HasPrefix(cells[0], "---") {
			continue
		}
		rows = append(rows, cells)
	}
	if len(rows) < 2 {
		t.Fatalf("README's %q has no table", heading)
	}
	return rows[1:] // without the header
}

// The README's event table is the event catalog: one row per type, with
// the catalog's summary.
func TestREADMEEventsAreTheCatalog(t *testing.T) {
	var want, got []string
	for _, s := range events.Catalog() {
		want = append(want, s.Type+" | "+s.Summary)
	}
	for _, row := range readmeTable(t, "## Events") {
		got = append(got, strings.Join(row, " | "))
	}
	if !slices.Equal(got, want) {
		t.Errorf("README events table:\n%s\nwant (from events.Catalog):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The README's command table is the command catalog: name, REST route and
// kind.
func TestREADMECommandsAreTheCatalog(t *testing.T) {
	param := regexp.MustCompile(`:([a-z_]+)`)
	var want, got []string
	for _, s := range commands.Catalog() {
		want = append(want, s.Name+" "+s.Method+" "+param.ReplaceAllString(s.Path, "<$1>")+" "+s.Kind.String())
	}
	for _, row := range readmeTable(t, "## Commands") {
		if len(row) != 3 {
			t.Fatalf("row %v has %d cells, want 3", row, len(row))
		}
		route, _, _ := strings.Cut(row[1], "?") // query parameters are shown, not part of the route
		got = append(got, row[0]+" "+route+" "+row[2])
	}
	if !slices.Equal(got, want) {
		t.Errorf("README command table:\n%s\nwant (from commands.Catalog):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
