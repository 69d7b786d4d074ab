package httpadapter

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

const pathOpenAPI = "/openapi.json"

// serveOpenAPI answers with the OpenAPI document given in Config.OpenAPI.
// It is registered with the command routes, so it needs the same
// credentials when any are configured: the document lists every command,
// which need not be public where the API is not.
func serveOpenAPI(doc []byte) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Data(http.StatusOK, "application/json", doc)
	}
}
