package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"text/tabwriter"
	"time"
)

// Report is everything a run measured; it is printed as a table and written
// as JSON with -out.
type Report struct {
	Started   time.Time  `json:"started"`
	Machine   Machine    `json:"machine"`
	Load      LoadJSON   `json:"load"`
	Scenarios []scenario `json:"scenarios"`
	Rows      []Row      `json:"rows"`
	Errors    []string   `json:"errors,omitempty"`
	RatioNote string     `json:"ratio_note"`
}

// Machine says where the figures come from; they mean little elsewhere.
type Machine struct {
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"go_version"`
}

// LoadJSON is Load with a readable duration.
type LoadJSON struct {
	N        int    `json:"n"`
	C        int    `json:"c"`
	Duration string `json:"duration"`
	Warmup   int    `json:"warmup"`
}

const ratioNote = "ratio = how many times worse wabridge is than the baseline: wabridge/baseline for latency, baseline/wabridge for throughput (1.0 = as fast)"

func newReport(l Load, sc []scenario) Report {
	return Report{
		Started:   time.Now().UTC(),
		Machine:   Machine{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(), GoVersion: runtime.Version()},
		Load:      LoadJSON{N: l.N, C: l.C, Duration: l.Duration.String(), Warmup: l.Warmup},
		Scenarios: sc,
		RatioNote: ratioNote,
	}
}

// printTable writes the rows, then what each scenario compares.
func printTable(w io.Writer, r Report) error {
	fmt.Fprintf(w, "%d CPUs, %s/%s, %s; n=%d c=%d duration=%s warmup=%d\n%s\n\n",
		r.Machine.CPUs, r.Machine.GOOS, r.Machine.GOARCH, r.Machine.GoVersion,
		r.Load.N, r.Load.C, r.Load.Duration, r.Load.Warmup, r.RatioNote)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tmetric\t  baseline\t  wabridge\t   ratio\t     n")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%s\t%s %s\t%10s\t%10s\t%7.1f×\t%6d\n", row.Scenario, row.Metric, row.Unit,
			figure(row.Baseline), figure(row.Wabridge), row.Ratio, row.N)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("printing the table: %w", err)
	}
	fmt.Fprintln(w)
	for _, s := range r.Scenarios {
		fmt.Fprintf(w, "%s\n  baseline: %s\n  wabridge: %s\n", s.Name, s.Baseline, s.Wabridge)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "FAILED: %s\n", e)
	}
	return nil
}

// figure prints small numbers with a decimal and large ones without.
func figure(v float64) string {
	if v < 100 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// writeJSON writes the report to path.
func writeJSON(path string, r Report) error {
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}
