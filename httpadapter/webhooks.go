package httpadapter

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
	"github.com/wabridge/wabridge/webhooks"
)

// Webhooks is what the /webhooks routes need (CONTRACT §10);
// *webhooks.Service satisfies it.
type Webhooks interface {
	Create(ctx context.Context, d webhooks.Definition) (webhooks.Created, error)
	List(ctx context.Context) ([]webhooks.View, error)
	Get(ctx context.Context, id string) (webhooks.View, error)
	Delete(ctx context.Context, id string) error
	Test(ctx context.Context, id string) (webhooks.TestResult, error)
	DeadLetters(ctx context.Context, id string, after uint64, limit int) (webhooks.DeadLetterPage, error)
	Redrive(ctx context.Context, id string) (webhooks.RedriveStarted, error)
	Rotate(ctx context.Context, id string, rot webhooks.Rotation) (webhooks.Rotated, error)
}

var _ Webhooks = (*webhooks.Service)(nil)

// webhookRoutes serve the webhooks. Webhooks belong to no session (their
// sessions field filters), so X-Session plays no part.
type webhookRoutes struct {
	hooks   Webhooks
	maxBody int64
}

func (w webhookRoutes) register(g gin.IRoutes) {
	g.POST("/webhooks", w.create)
	g.GET("/webhooks", w.list)
	g.GET("/webhooks/:id", w.get)
	g.DELETE("/webhooks/:id", w.delete)
	g.POST("/webhooks/:id/test", w.test)
	g.GET("/webhooks/:id/deadletters", w.deadLetters)
	g.POST("/webhooks/:id/redrive", w.redrive)
	g.POST("/webhooks/:id/rotate", w.rotate)
}

func (w webhookRoutes) create(c *gin.Context) {
	fields, err := bodyFields(c, w.maxBody)
	if err != nil {
		writeErr(c, err)
		return
	}
	var d webhooks.Definition
	if err := decodeStrict(fields, &d); err != nil {
		writeErr(c, err)
		return
	}
	answerWith(c, func(ctx context.Context) (any, error) { return w.hooks.Create(ctx, d) })
}

func (w webhookRoutes) list(c *gin.Context) {
	answerWith(c, func(ctx context.Context) (any, error) { return w.hooks.List(ctx) })
}

func (w webhookRoutes) get(c *gin.Context) {
	answerWith(c, func(ctx context.Context) (any, error) { return w.hooks.Get(ctx, c.Param("id")) })
}

func (w webhookRoutes) delete(c *gin.Context) {
	answerWith(c, func(ctx context.Context) (any, error) {
		return map[string]string{"id": c.Param("id")}, w.hooks.Delete(ctx, c.Param("id"))
	})
}

func (w webhookRoutes) test(c *gin.Context) {
	answerWith(c, func(ctx context.Context) (any, error) { return w.hooks.Test(ctx, c.Param("id")) })
}

func (w webhookRoutes) redrive(c *gin.Context) {
	answerWith(c, func(ctx context.Context) (any, error) { return w.hooks.Redrive(ctx, c.Param("id")) })
}

// rotate takes {"secret"?: whsec_…} (generated when absent) or {"end": true}.
func (w webhookRoutes) rotate(c *gin.Context) {
	fields, err := bodyFields(c, w.maxBody)
	if err != nil {
		writeErr(c, err)
		return
	}
	var rot webhooks.Rotation
	if err := decodeStrict(fields, &rot); err != nil {
		writeErr(c, err)
		return
	}
	answerWith(c, func(ctx context.Context) (any, error) { return w.hooks.Rotate(ctx, c.Param("id"), rot) })
}

// deadLetters pages with after= (the previous page's next_cursor) and limit=.
func (w webhookRoutes) deadLetters(c *gin.Context) {
	after, err := queryUint(c, "after")
	if err != nil {
		writeErr(c, err)
		return
	}
	limit, err := queryUint(c, "limit")
	if err != nil {
		writeErr(c, err)
		return
	}
	answerWith(c, func(ctx context.Context) (any, error) {
		return w.hooks.DeadLetters(ctx, c.Param("id"), after, int(min(limit, 1<<20)))
	})
}

// answerWith runs f and writes its result in the envelope, or its error.
func answerWith(c *gin.Context, f func(ctx context.Context) (any, error)) {
	data, err := f(c.Request.Context())
	if err != nil {
		writeErr(c, err)
		return
	}
	c.JSON(http.StatusOK, success(data))
}

func queryUint(c *gin.Context, name string) (uint64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, werr.Invalid(werr.CodeInvalidPayload, "%s must be a non-negative integer", name)
	}
	return n, nil
}

// decodeStrict maps a parsed body onto v, refusing fields v does not have:
// a misspelt filter must not silently widen a webhook to every event.
func decodeStrict(fields map[string]json.RawMessage, v any) error {
	b, err := json.Marshal(fields)
	if err != nil {
		return werr.Invalid(werr.CodeInvalidPayload, "request body does not encode")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return werr.Invalid(werr.CodeInvalidPayload, "request body: %v", err)
	}
	return nil
}
