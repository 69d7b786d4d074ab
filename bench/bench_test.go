package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHarnessRunsEveryScenario runs the whole harness (baseline server,
// wabridge built and started in sandbox mode, every scenario) with a tiny
// load and small histories. It proves the harness works end to end; it
// asserts no time.
func TestHarnessRunsEveryScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs wabridge")
	}
	const n, c = 20, 2
	store := StoreLoad{History: 450, Chats: 60, ChatMessages: 120, ReplayEvents: 2000, DocumentBytes: 2 << 20, ImageBytes: 256 << 10}
	out := filepath.Join(t.TempDir(), "report.json")
	var stdout, stderr bytes.Buffer
	args := []string{"-n", fmt.Sprint(n), "-c", fmt.Sprint(c), "-duration", "1m", "-warmup", "2", "-settle", "250ms", "-out", out,
		"-history", fmt.Sprint(store.History), "-chats", fmt.Sprint(store.Chats), "-chat-messages", fmt.Sprint(store.ChatMessages),
		"-replay-events", fmt.Sprint(store.ReplayEvents), "-document-bytes", fmt.Sprint(store.DocumentBytes), "-image-bytes", fmt.Sprint(store.ImageBytes)}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}

	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("the -out file is not a report: %v", err)
	}
	if len(rep.Errors) != 0 {
		t.Fatalf("errors: %v", rep.Errors)
	}
	if rep.Load.N != n || rep.Load.C != c || rep.Machine.CPUs < 1 {
		t.Fatalf("report header: %+v %+v", rep.Load, rep.Machine)
	}
	perScenario := map[string]int{}
	for _, r := range rep.Rows {
		perScenario[r.Scenario]++
		want := n
		switch {
		case strings.HasPrefix(r.Scenario, "store history sync"):
			want = store.History // one sync of that many messages
		case strings.HasPrefix(r.Scenario, "replay"):
			want = store.ReplayEvents // one read of them all
		case strings.HasPrefix(r.Scenario, "media document"):
			want = 1 // one file
		case strings.HasPrefix(r.Scenario, "media"):
			want = mediaImageSends // fixed by issue 8's scenario
		}
		if r.N != want {
			t.Errorf("%s %s: %d operations measured, want all %d", r.Scenario, r.Metric, r.N, want)
		}
		for i, v := range []float64{r.Baseline, r.Wabridge, r.Ratio} {
			// Memory that did not grow is a good figure, not a broken one.
			if i > 0 && v == 0 && strings.HasSuffix(r.Metric, "growth") {
				continue
			}
			if !(v > 0) || math.IsInf(v, 0) {
				t.Errorf("%s %s: figure %v is not a positive number: %+v", r.Scenario, r.Metric, v, r)
			}
		}
		if !strings.Contains(stdout.String(), r.Scenario) {
			t.Errorf("table does not show %s", r.Scenario)
		}
	}
	for _, s := range scenarios(c, store) {
		if perScenario[s.Name] == 0 {
			t.Errorf("scenario %s produced no rows", s.Name)
		}
	}
	if len(rep.Scenarios) != len(scenarios(c, store)) {
		t.Errorf("report lists %d scenarios, want %d", len(rep.Scenarios), len(scenarios(c, store)))
	}
}
