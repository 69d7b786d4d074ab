package main

import (
	"context"
	"errors"
	"io"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	cases := []struct {
		name string
		lats []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of odd, unsorted", ms(5, 1, 3), 50, 3 * time.Millisecond},
		{"median of even is the lower", ms(4, 1, 3, 2), 50, 2 * time.Millisecond},
		{"p99 of 100 is the 99th", ms(seq(100)...), 99, 99 * time.Millisecond},
		{"p99 of 10 is the max", ms(seq(10)...), 99, 10 * time.Millisecond},
		{"p100", ms(9, 2, 5), 100, 9 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Sample{Latencies: c.lats}
			if got := s.Percentile(c.p); got != c.want {
				t.Fatalf("p%g = %v, want %v", c.p, got, c.want)
			}
		})
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[n-1-i] = i + 1 // descending, so sorting is exercised
	}
	return out
}

func TestCompareTakesRatiosSoThatBiggerIsWorse(t *testing.T) {
	base := Sample{Count: 100, Elapsed: time.Second, Latencies: []time.Duration{time.Millisecond, 2 * time.Millisecond}}
	wab := Sample{Count: 50, Elapsed: time.Second, Latencies: []time.Duration{4 * time.Millisecond, 8 * time.Millisecond}}
	rows := compare("x", base, wab)
	want := map[string]struct {
		kind            string
		base, wab, rate float64
	}{
		"p50":        {KindLatency, 1000, 4000, 4},
		"p99":        {KindLatency, 2000, 8000, 4},
		"throughput": {KindThroughput, 100, 50, 2},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for _, r := range rows {
		w, ok := want[r.Metric]
		if !ok || r.Kind != w.kind || r.Baseline != w.base || r.Wabridge != w.wab || math.Abs(r.Ratio-w.rate) > 1e-9 || r.N != 50 {
			t.Errorf("row %+v, want %+v", r, w)
		}
	}
	// Throughput-only samples give one row; a zero denominator gives ratio 0, not Inf.
	rows = compare("y", Sample{Count: 10, Elapsed: time.Second}, Sample{})
	if len(rows) != 1 || rows[0].Metric != "throughput" || rows[0].Ratio != 0 {
		t.Fatalf("throughput only: %+v", rows)
	}
}

func TestLoopIsBoundedAndStopsAtTheFirstError(t *testing.T) {
	cases := []struct {
		name      string
		load      Load
		failAt    int // -1: never
		wantCount int
		wantErr   bool
	}{
		{"bounded by n", Load{N: 57, C: 4, Duration: time.Minute}, -1, 57, false},
		{"more workers than work", Load{N: 3, C: 8, Duration: time.Minute}, -1, 3, false},
		{"warm-up is not measured", Load{N: 10, C: 2, Duration: time.Minute, Warmup: 5}, -1, 10, false},
		{"no time left", Load{N: 1000, C: 2, Duration: -time.Second}, -1, 0, false},
		{"an error stops it", Load{N: 1000, C: 3, Duration: time.Minute}, 20, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int64
			seen := make([]atomic.Bool, c.load.N+c.load.Warmup)
			s, err := drive(context.Background(), c.load, func(_ context.Context, w, i int) error {
				calls.Add(1)
				if w < 0 || w >= c.load.C {
					t.Errorf("worker %d out of range", w)
				}
				if seen[i].Swap(true) {
					t.Errorf("index %d used twice", i)
				}
				if i == c.failAt {
					return errors.New("boom")
				}
				return nil
			})
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if c.wantErr {
				if int(calls.Load()) >= c.load.N {
					t.Fatalf("%d calls after an error at %d: the loop did not stop", calls.Load(), c.failAt)
				}
				return
			}
			if s.Count != c.wantCount || len(s.Latencies) != c.wantCount {
				t.Fatalf("count %d (%d latencies), want %d", s.Count, len(s.Latencies), c.wantCount)
			}
			if int(calls.Load()) != c.wantCount+c.load.Warmup && c.load.Duration > 0 {
				t.Fatalf("%d calls, want %d measured + %d warm-up", calls.Load(), c.wantCount, c.load.Warmup)
			}
		})
	}
}

func TestTrackerDeliversOnlyExpectedKeysOnce(t *testing.T) {
	tr := newTracker()
	a, b := tr.expect("a"), tr.expect("b")
	t0 := time.Unix(100, 0)
	tr.arrived("stranger", arrival{at: t0})
	tr.arrived("a", arrival{at: t0})
	tr.arrived("a", arrival{at: t0.Add(time.Hour)}) // a redelivery is ignored
	tr.arrived("b", arrival{at: t0.Add(time.Second), err: errors.New("failed result")})
	if got := <-a; !got.at.Equal(t0) || got.err != nil {
		t.Fatalf("a: %+v", got)
	}
	if _, err := awaitAll(context.Background(), []<-chan arrival{b}); err == nil {
		t.Fatal("a failed arrival was not reported")
	}
	c := tr.expect("c")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := awaitAll(ctx, []<-chan arrival{c}); !errors.Is(err, context.Canceled) {
		t.Fatalf("awaiting a key that never comes: %v", err)
	}
}

func TestParseFlags(t *testing.T) {
	cases := []struct {
		args []string
		ok   bool
	}{
		{nil, true},
		{[]string{"-n", "20", "-c", "2", "-duration", "3s", "-out", "x.json"}, true},
		{[]string{"-n", "0"}, false},
		{[]string{"-c", "0"}, false},
		{[]string{"-duration", "0s"}, false},
		{[]string{"-warmup", "-1"}, false},
		{[]string{"-settle", "-1s"}, false},
		{[]string{"-settle", "0"}, true},
		{[]string{"-bogus"}, false},
		{[]string{"-history", "0"}, false},
		{[]string{"-chats", "0"}, false},
		{[]string{"-chat-messages", "-5"}, false},
		{[]string{"-history", "10", "-chats", "5", "-chat-messages", "20"}, true},
	}
	for _, c := range cases {
		_, err := parseFlags(c.args, io.Discard)
		if (err == nil) != c.ok {
			t.Errorf("%v: err %v, want ok %v", c.args, err, c.ok)
		}
	}
}

func TestSelectScenarios(t *testing.T) {
	all := scenarios(4, StoreLoad{History: 50, Chats: 10, ChatMessages: 100})
	cases := []struct {
		only string
		want []string
	}{
		{"", nil}, // nil: all of them
		{"REST", []string{"REST c=1", "REST c=4"}},
		{"c=4", []string{"request-reply c=4", "inbound flood c=4", "REST c=4", "webhook fan-out c=4", "webhook backlog c=4"}},
		{"durable", []string{"durable commands"}},
		{"store", []string{"store history sync 50", "store chat.list 10 chats", "store chat.messages 100"}},
		{"nothing like this", []string{}},
	}
	for _, c := range cases {
		got := selectScenarios(all, c.only)
		if c.want == nil {
			if len(got) != len(all) {
				t.Errorf("%q: %d scenarios, want all %d", c.only, len(got), len(all))
			}
			continue
		}
		var names []string
		for _, s := range got {
			names = append(names, s.Name)
		}
		if strings.Join(names, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q: %v, want %v", c.only, names, c.want)
		}
	}
}
