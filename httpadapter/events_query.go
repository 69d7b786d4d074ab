package httpadapter

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/werr"
)

// eventQueryOf reads the filters of CONTRACT §10 from the query string:
// since, until (RFC 3339), from_seq, to_seq, type and chat (each repeatable
// and comma-separated).
func eventQueryOf(c *gin.Context) (EventQuery, error) {
	session, err := sessionOf(c)
	if err != nil {
		return EventQuery{}, err
	}
	c.Set(ctxSession, session)
	q := EventQuery{Session: session, Types: listParam(c, "type"), Chats: listParam(c, "chat")}
	var problems []string
	for name, dst := range map[string]*time.Time{"since": &q.Since, "until": &q.Until} {
		if v := c.Query(name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				problems = append(problems, name+" must be an RFC 3339 time")
			}
			*dst = t
		}
	}
	for name, dst := range map[string]*uint64{"from_seq": &q.FromSeq, "to_seq": &q.ToSeq} {
		if v := c.Query(name); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil || n == 0 {
				problems = append(problems, name+" must be a stream sequence (1 or more)")
			}
			*dst = n
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return EventQuery{}, werr.Invalid(werr.CodeInvalidPayload, "invalid event filter: %s", strings.Join(problems, "; ")).
			WithDetails(map[string]any{"problems": problems})
	}
	return q, nil
}

// listParam collects a repeatable, comma-separated query parameter.
func listParam(c *gin.Context, name string) []string {
	var out []string
	for _, v := range c.QueryArray(name) {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}
