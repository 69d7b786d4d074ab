package httpadapter_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

const benchBody = `{"phone":"4917612345678","message":"bench"}`

// benchPost sends benchBody to url b.N times over one keep-alive client.
func benchPost(b *testing.B, client *http.Client, url string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Post(url, "application/json", strings.NewReader(benchBody))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkSendMessageREST is the whole REST path: HTTP, envelope, command
// CloudEvent, NATS request to a responder over loopback TCP, result back.
func BenchmarkSendMessageREST(b *testing.B) {
	nc := startNATS(b)
	startResponder(b, nc)
	srv := newServer(b, nc, nil)
	benchPost(b, srv.Client(), srv.URL+"/send/message")
}

// BenchmarkBareGin is the floor: a bare Gin handler reading the same body
// and answering the same-sized JSON, with no NATS and no CloudEvents.
func BenchmarkBareGin(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.POST("/send/message", func(c *gin.Context) {
		var in map[string]any
		if err := c.ShouldBindJSON(&in); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"status": 400})
			return
		}
		c.JSON(http.StatusOK, sendResult())
	})
	srv := httptest.NewServer(r)
	b.Cleanup(srv.Close)
	benchPost(b, srv.Client(), srv.URL+"/send/message")
}
