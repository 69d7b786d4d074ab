package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Sample is what one measured loop produced.
type Sample struct {
	Count     int             // operations completed
	Elapsed   time.Duration   // wall time of the measured loop
	Latencies []time.Duration // one per operation; empty for throughput-only loops
}

// Throughput is operations per second over the loop's wall time.
func (s Sample) Throughput() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Count) / s.Elapsed.Seconds()
}

// Percentile is the nearest-rank percentile p (0 < p <= 100) of the
// latencies, or 0 when there are none.
func (s Sample) Percentile(p float64) time.Duration {
	if len(s.Latencies) == 0 {
		return 0
	}
	sorted := slices.Clone(s.Latencies)
	slices.Sort(sorted)
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Metric kinds decide which way a ratio is taken, so that every ratio reads
// "how many times worse wabridge is than the baseline" (1.0 = as fast).
const (
	KindLatency    = "latency"    // ratio = wabridge / baseline
	KindThroughput = "throughput" // ratio = baseline / wabridge
)

// Row is one line of the report.
type Row struct {
	Scenario string  `json:"scenario"`
	Metric   string  `json:"metric"` // p50, p99, throughput
	Kind     string  `json:"kind"`   // KindLatency or KindThroughput
	Unit     string  `json:"unit"`   // µs or ops/s
	Baseline float64 `json:"baseline"`
	Wabridge float64 `json:"wabridge"`
	Ratio    float64 `json:"ratio"`
	N        int     `json:"n"` // operations measured on the wabridge side
}

// compare turns a baseline and a wabridge sample into report rows: p50 and
// p99 when both have latencies, and throughput always.
func compare(scenario string, base, wab Sample) []Row {
	var rows []Row
	if len(base.Latencies) > 0 && len(wab.Latencies) > 0 {
		for _, p := range []float64{50, 99} {
			b, w := micros(base.Percentile(p)), micros(wab.Percentile(p))
			rows = append(rows, Row{Scenario: scenario, Metric: fmt.Sprintf("p%g", p), Kind: KindLatency,
				Unit: "µs", Baseline: b, Wabridge: w, Ratio: ratio(w, b), N: wab.Count})
		}
	}
	b, w := base.Throughput(), wab.Throughput()
	rows = append(rows, Row{Scenario: scenario, Metric: "throughput", Kind: KindThroughput,
		Unit: "ops/s", Baseline: b, Wabridge: w, Ratio: ratio(b, w), N: wab.Count})
	return rows
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// ratio is num/den, or 0 when den is 0 (a loop that measured nothing).
func ratio(num, den float64) float64 {
	if den == 0 {
		return 0
	}
	return num / den
}
