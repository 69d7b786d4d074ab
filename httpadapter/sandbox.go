package httpadapter

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

// SandboxScan is the body of POST /sandbox/scan: the account's number
// (optional), how many past messages the phone pushes as history sync after
// pairing (CONTRACT §8), and over how many chats (0: the sandbox's default).
type SandboxScan struct {
	Phone        string `json:"phone"`
	History      int    `json:"history"`
	HistoryChats int    `json:"history_chats"`
}

// sandboxRoutes serves the simulated network's control surface (CONTRACT §8).
type sandboxRoutes struct {
	sb      Sandbox
	maxBody int64
}

func (s sandboxRoutes) register(g gin.IRoutes) {
	g.POST("/sandbox/scan", s.scan)
	g.POST("/sandbox/inbound", s.inbound)
	g.GET("/sandbox/outbox", s.outbox)
	g.POST("/sandbox/clock", s.clock)
}

func (s sandboxRoutes) scan(c *gin.Context) {
	session, fields, ok := s.prepare(c)
	if !ok {
		return
	}
	var body SandboxScan
	if err := decodeFields(fields, &body); err != nil {
		writeErr(c, err)
		return
	}
	if body.History < 0 || body.HistoryChats < 0 {
		writeErr(c, werr.Invalid(werr.CodeInvalidPayload, "history and history_chats must not be negative"))
		return
	}
	jid, err := s.sb.Scan(c.Request.Context(), session, body)
	if err != nil {
		writeErr(c, sandboxErr(err))
		return
	}
	c.JSON(http.StatusOK, success(map[string]string{"jid": jid}))
}

func (s sandboxRoutes) inbound(c *gin.Context) {
	session, fields, ok := s.prepare(c)
	if !ok {
		return
	}
	var in SandboxInbound
	if err := decodeFields(fields, &in); err != nil {
		writeErr(c, err)
		return
	}
	in.Fields = make(map[string]any, len(fields))
	for k, v := range fields {
		var val any
		_ = json.Unmarshal(v, &val) // v is a valid JSON value: parseObject decoded it
		in.Fields[k] = val
	}
	id, err := s.sb.Inbound(c.Request.Context(), session, in)
	if err != nil {
		writeErr(c, sandboxErr(err))
		return
	}
	c.JSON(http.StatusOK, success(map[string]string{"message_id": id}))
}

func (s sandboxRoutes) outbox(c *gin.Context) {
	c.JSON(http.StatusOK, success(s.sb.Outbox()))
}

// prepare reads the session and the optional JSON body shared by the
// sandbox's POST routes; it has answered the request when ok is false.
func (s sandboxRoutes) prepare(c *gin.Context) (string, map[string]json.RawMessage, bool) {
	session, err := sessionOf(c)
	if err != nil {
		writeErr(c, err)
		return "", nil, false
	}
	c.Set(ctxSession, session)
	fields, err := bodyFields(c, s.maxBody)
	if err != nil {
		writeErr(c, err)
		return "", nil, false
	}
	return session, fields, true
}

// decodeFields maps a parsed body onto a typed struct.
func decodeFields(fields map[string]json.RawMessage, v any) error {
	b, err := json.Marshal(fields)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return werr.Invalid(werr.CodeInvalidPayload, "request body has a field of the wrong type: %v", err)
	}
	return nil
}

// sandboxErr keeps the sandbox's werr kinds and makes anything else a 400:
// sandbox failures are almost always a malformed scenario, not a crash.
func sandboxErr(err error) error {
	var we *werr.Error
	if errors.As(err, &we) {
		return we
	}
	return werr.Wrap(err, werr.KindInvalid, CodeSandboxError, "%s", err.Error())
}
