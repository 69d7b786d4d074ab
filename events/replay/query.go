package replay

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/werr"
)

// MaxFilters bounds the filter subjects one query may ask for (chats ×
// types): the server matches every stored subject against each of them.
const MaxFilters = 256

// maxChatLen bounds a chat JID in a query (the longest WhatsApp JIDs are
// well below it).
const maxChatLen = 128

// Query selects a stretch of one session's events. Zero values mean "no
// bound"; empty Types or Chats mean all. Times are the stream's (when the
// bridge stored the event), which is what JetStream can seek by; the
// CloudEvent's own time is when WhatsApp says it happened.
type Query struct {
	Session        string
	Since, Until   time.Time
	FromSeq, ToSeq uint64
	// Types are CloudEvent types of the catalog (io.wabridge.message.received;
	// the short form message.received is accepted too).
	Types []string
	// Chats are chat JIDs (or international phone numbers, meaning their
	// @s.whatsapp.net chat).
	Chats []string
}

// Validate reports what is wrong with q as INVALID_PAYLOAD (INVALID_SESSION
// for the session), naming each problem.
func (q Query) Validate() error {
	if !ident.ValidSession(q.Session) {
		return werr.Invalid(werr.CodeInvalidSession, "session must match [a-z0-9][a-z0-9_-]{0,31}").
			WithDetails(map[string]any{"session": ident.Clip(q.Session, 64)})
	}
	var problems []string
	// Longer lists are refused as a whole, before each entry is looked at:
	// a query string holds hundreds of thousands of them, and naming each
	// (or the quadratic dedup) would cost more than any answer is worth.
	for name, list := range map[string][]string{"chats": q.Chats, "types": q.Types} {
		if len(list) > MaxFilters {
			problems = append(problems, fmt.Sprintf("%d %s given, at most %d", len(list), name, MaxFilters))
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return werr.Invalid(werr.CodeInvalidPayload, "invalid event filter: %s", strings.Join(problems, "; ")).
			WithDetails(map[string]any{"problems": problems})
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
		problems = append(problems, "until is before since")
	}
	if q.ToSeq != 0 && q.ToSeq < q.FromSeq {
		problems = append(problems, "to_seq is below from_seq")
	}
	for _, t := range q.Types {
		if _, ok := events.Lookup(fullType(t)); !ok {
			problems = append(problems, fmt.Sprintf("type %q is not an event type of the catalog", ident.Clip(t, 64)))
		}
	}
	for _, c := range q.Chats {
		if err := checkChat(c); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if n := max(len(dedup(q.Types)), 1) * max(len(dedup(q.Chats)), 1); n > MaxFilters {
		problems = append(problems, fmt.Sprintf("%d chats × types make %d filters, at most %d", len(q.Chats), n, MaxFilters))
	}
	if len(problems) > 0 {
		return werr.Invalid(werr.CodeInvalidPayload, "invalid event filter: %s", strings.Join(problems, "; ")).
			WithDetails(map[string]any{"problems": problems})
	}
	return nil
}

// FilterSubjects are the subjects of WA_EVENTS that q reads: one per chat
// and type (wildcards for what is not restricted). They never overlap,
// which JetStream requires of a consumer's filters. q must be valid.
func (q Query) FilterSubjects(s natsbus.Subjects) []string {
	chats := []string{"*"}
	if len(q.Chats) > 0 {
		chats = chats[:0]
		for _, c := range dedup(q.Chats) {
			chats = append(chats, natsbus.ChatToken(chatJID(c)))
		}
		chats = dedup(chats)
	}
	names := []string{">"}
	if len(q.Types) > 0 {
		names = names[:0]
		for _, t := range dedup(q.Types) {
			names = append(names, strings.TrimPrefix(fullType(t), events.TypePrefix))
		}
		names = dedup(names)
	}
	out := make([]string, 0, len(chats)*len(names))
	for _, c := range chats {
		for _, n := range names {
			out = append(out, eventSubject(s, q.Session, c, n))
		}
	}
	return out
}

// eventSubject is wa.<session>.evt.<chat token>.<name>; the token is given
// as is (it may be the wildcard *), unlike natsbus.Subjects.Event.
func eventSubject(s natsbus.Subjects, session, token, name string) string {
	base := s.Event(session, "", "x") // wa.<session>.evt._.x
	return strings.TrimSuffix(base, natsbus.NoChat+".x") + token + "." + name
}

// fullType accepts the short form message.received for io.wabridge.message.received.
func fullType(t string) string {
	t = strings.TrimSpace(t)
	if strings.HasPrefix(t, events.TypePrefix) {
		return t
	}
	return events.TypePrefix + t
}

// chatJID is the JID a chat filter means: an international number stands
// for its @s.whatsapp.net chat.
func chatJID(c string) string {
	c = strings.TrimSpace(c)
	if c != "" && strings.Trim(c, "0123456789") == "" {
		return c + "@s.whatsapp.net"
	}
	return c
}

func checkChat(c string) error {
	jid := chatJID(c)
	switch {
	case jid == "":
		return fmt.Errorf("chat is empty")
	case len(jid) > maxChatLen:
		return fmt.Errorf("chat %q is longer than %d bytes", ident.Clip(jid, 64), maxChatLen)
	case strings.Count(jid, "@") != 1 || strings.HasPrefix(jid, "@") || strings.HasSuffix(jid, "@"):
		return fmt.Errorf("chat %q is neither a JID (user@server) nor an international number", ident.Clip(jid, 64))
	case strings.ContainsAny(jid, "*> \t\r\n\x00"):
		return fmt.Errorf("chat %q contains wildcards or whitespace", ident.Clip(jid, 64))
	}
	return nil
}

// dedup drops repeats, keeping the first occurrence's order: overlapping
// filter subjects are refused by JetStream.
func dedup(in []string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
