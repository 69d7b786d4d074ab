package httpadapter

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

const (
	pathAsyncAPIJSON = "/asyncapi.json"
	pathAsyncAPIYAML = "/asyncapi.yaml"
)

// asyncAPIRoutes serves the AsyncAPI document of Config.AsyncAPI as JSON
// and as YAML (converted once, at start). Like the OpenAPI document it sits
// behind the commands' credentials: it lists every subject and payload.
func asyncAPIRoutes(g gin.IRoutes, doc []byte) error {
	y, err := jsonToYAML(doc)
	if err != nil {
		return err
	}
	g.GET(pathAsyncAPIJSON, func(c *gin.Context) { c.Data(http.StatusOK, "application/json", doc) })
	g.GET(pathAsyncAPIYAML, func(c *gin.Context) { c.Data(http.StatusOK, "application/yaml", y) })
	return nil
}
