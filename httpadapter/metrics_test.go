package httpadapter_test

import (
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/metrics"
	"github.com/wabridge/wabridge/internal/safebuf"
)

func metricsHandler(t *testing.T) http.Handler {
	t.Helper()
	m, err := metrics.New(metrics.Config{Commands: []string{"send.message"}})
	if err != nil {
		t.Fatal(err)
	}
	m.CommandDone("send.message", "", 5*time.Millisecond)
	return m.Handler()
}

func getMetrics(t *testing.T, url, auth string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestMetricsNeedTheRESTCredentials: with tokens or users configured,
// /metrics answers 401 without them and the text exposition with either.
func TestMetricsNeedTheRESTCredentials(t *testing.T) {
	srv := newServer(t, noBus{}, func(c *httpadapter.Config) {
		c.Metrics = metricsHandler(t)
		c.Auth = httpadapter.Auth{BearerTokens: []string{"scrape-token"}, BasicUsers: map[string]string{"prom": "pw"}}
	})
	for _, auth := range []string{"", "Bearer wrong", basic("prom", "nope")} {
		if resp := getMetrics(t, srv.URL, auth); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("auth %q: %d, want 401", auth, resp.StatusCode)
		}
	}
	for _, auth := range []string{"Bearer scrape-token", basic("prom", "pw")} {
		resp := getMetrics(t, srv.URL, auth)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("auth %q: %d", auth, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
			t.Fatalf("Content-Type %q", ct)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		mf := families["wabridge_commands_total"]
		if mf == nil || len(mf.GetMetric()) != 1 || mf.GetMetric()[0].GetCounter().GetValue() != 1 {
			t.Fatalf("wabridge_commands_total = %v", mf)
		}
	}
}

// TestMetricsOnlyWhenConfigured: without a handler there is no route.
func TestMetricsOnlyWhenConfigured(t *testing.T) {
	srv := newServer(t, noBus{}, nil)
	resp := getMetrics(t, srv.URL, "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

// TestMetricsScrapesLogAtDebug: a scraper every 15 s must not drown the
// info log, as probes do not; a refused scrape still shows.
func TestMetricsScrapesLogAtDebug(t *testing.T) {
	var logs safebuf.Buffer
	srv := newServer(t, noBus{}, func(c *httpadapter.Config) {
		c.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c.Metrics = metricsHandler(t)
		c.Auth = httpadapter.Auth{BearerTokens: []string{"scrape-token"}}
	})
	getMetrics(t, srv.URL, "Bearer scrape-token")
	getMetrics(t, srv.URL, "")
	srv.Close() // waits for in-flight handlers, so every log line is written
	var levels []string
	for line := range strings.SplitSeq(logs.String(), "\n") {
		if strings.Contains(line, "route=/metrics") {
			level, _, _ := strings.Cut(line[strings.Index(line, "level=")+len("level="):], " ")
			status, _, _ := strings.Cut(line[strings.Index(line, "status=")+len("status="):], " ")
			levels = append(levels, status+":"+level)
		}
	}
	if !slices.Equal(levels, []string{"200:DEBUG", "401:INFO"}) {
		t.Fatalf("scrape log lines (status:level) %v, want [200:DEBUG 401:INFO]\n%s", levels, logs.String())
	}
}
