package httpadapter

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// pathMetrics serves the Prometheus metrics (CONTRACT §11).
const pathMetrics = "/metrics"

// metricsRoute serves h (promhttp over the process's registry) as GET
// /metrics in g, so under the same credentials as the rest of REST:
// Prometheus sends a bearer token (authorization.credentials) or basic
// auth (basic_auth) from its scrape config. It answers what h negotiates
// with the scraper (text exposition by default).
func metricsRoute(g *gin.RouterGroup, h http.Handler) {
	if h != nil {
		g.GET(pathMetrics, gin.WrapH(h))
	}
}
