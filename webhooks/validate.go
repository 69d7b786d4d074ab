package webhooks

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/werr"
)

// MaxFilterSubjects bounds sessions × chats × events: each combination is
// one filter subject of the webhook's consumer, and the server matches
// every stored event against them.
const MaxFilterSubjects = 256

// chatJID is what a chat in a filter must look like (CONTRACT §2): a user,
// group, LID, newsletter or broadcast JID. Bare phone numbers are accepted
// too and mean the user's chat.
var (
	chatJID = regexp.MustCompile(`^[0-9A-Za-z._:-]+@(s\.whatsapp\.net|g\.us|lid|newsletter|broadcast)$`)
	phone   = regexp.MustCompile(`^[0-9]{5,20}$`)
)

// normalize checks d and returns the webhook it declares, defaults applied
// and filters in their canonical form (full event types, chat JIDs). Every
// problem is INVALID_PAYLOAD (URL_NOT_ALLOWED for a scheme other than
// http/https) naming the field.
func normalize(d Definition) (Webhook, error) {
	if err := checkURL(d.URL); err != nil {
		return Webhook{}, err
	}
	var err error
	if d.Events, err = normalizeEvents(d.Events); err != nil {
		return Webhook{}, err
	}
	if d.Chats, err = normalizeChats(d.Chats); err != nil {
		return Webhook{}, err
	}
	for _, s := range d.Sessions {
		if !ident.ValidSession(s) {
			return Webhook{}, invalidField("sessions", s, "is not a session name (%s)", ident.SessionPattern)
		}
	}
	d.Sessions = dedupe(d.Sessions)
	if n := max(1, len(d.Sessions)) * max(1, len(d.Chats)) * max(1, len(d.Events)); n > MaxFilterSubjects {
		return Webhook{}, werr.Invalid(werr.CodeInvalidPayload,
			"sessions × chats × events make %d filter subjects, at most %d: split the webhook or widen a filter", n, MaxFilterSubjects).
			WithDetails(map[string]any{"field": "events", "filters": n, "max": MaxFilterSubjects})
	}
	if err := normalizeSecrets(&d); err != nil {
		return Webhook{}, err
	}
	if err := normalizeSettings(&d); err != nil {
		return Webhook{}, err
	}
	return Webhook{Definition: d}, nil
}

func checkURL(raw string) error {
	if raw == "" {
		return invalidField("url", raw, "is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return invalidField("url", raw, "does not parse")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return werr.Invalid(werr.CodeURLNotAllowed, "webhook url must be http or https, not %q", ident.Clip(u.Scheme, 32)).
			WithDetails(map[string]any{"field": "url"})
	}
	if u.Host == "" {
		return invalidField("url", raw, "has no host")
	}
	return nil
}

func normalizeEvents(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, e := range in {
		typ := e
		if !strings.HasPrefix(typ, events.TypePrefix) {
			typ = events.TypePrefix + typ
		}
		if _, ok := events.Lookup(typ); !ok {
			return nil, invalidField("events", e, "is not an event type of the catalog")
		}
		out = append(out, typ)
	}
	return dedupe(out), nil
}

func normalizeChats(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, c := range in {
		switch {
		case phone.MatchString(c):
			out = append(out, c+"@s.whatsapp.net")
		case chatJID.MatchString(c):
			out = append(out, c)
		default:
			return nil, invalidField("chats", c, "is not a chat JID (digits@s.whatsapp.net, …@g.us, …@lid, …@newsletter)")
		}
	}
	return dedupe(out), nil
}

func normalizeSecrets(d *Definition) error {
	if d.Secret == "" {
		if d.PreviousSecret != "" {
			return invalidField("previous_secret", "", "needs a secret beside it")
		}
		d.Secret = NewSecret()
	}
	if _, err := ParseSecret(d.Secret); err != nil {
		return withField(err, "secret")
	}
	if d.PreviousSecret != "" {
		if _, err := ParseSecret(d.PreviousSecret); err != nil {
			return withField(err, "previous_secret")
		}
	}
	return nil
}

func normalizeSettings(d *Definition) error {
	if d.Mode == "" {
		d.Mode = cenats.Binary.String()
	}
	if _, err := cenats.ParseMode(d.Mode); err != nil {
		return invalidField("mode", d.Mode, "must be binary or structured")
	}
	if d.Concurrency == 0 {
		d.Concurrency = DefaultConcurrency
	}
	if d.Concurrency < 1 || d.Concurrency > MaxConcurrency {
		return werr.Invalid(werr.CodeInvalidPayload, "concurrency must be 1 to %d", MaxConcurrency).
			WithDetails(map[string]any{"field": "concurrency"})
	}
	if d.MaxAge == 0 {
		d.MaxAge = Duration(DefaultMaxAge)
	}
	if d.MaxAge < Duration(time.Second) {
		return werr.Invalid(werr.CodeInvalidPayload, "max_age must be at least 1s").WithDetails(map[string]any{"field": "max_age"})
	}
	return nil
}

// filterSubjects are the consumer's filters: every session × chat × event
// of w, a wildcard for an empty list (CONTRACT §4's subjects).
func filterSubjects(s natsbus.Subjects, w Webhook) []string {
	sessions := orAll(w.Sessions, "*")
	chats := []string{"*"}
	if len(w.Chats) > 0 {
		chats = chats[:0]
		for _, c := range w.Chats {
			chats = append(chats, natsbus.ChatToken(c))
		}
	}
	names := []string{">"}
	if len(w.Events) > 0 {
		names = names[:0]
		for _, e := range w.Events {
			names = append(names, strings.TrimPrefix(e, events.TypePrefix))
		}
	}
	var out []string
	for _, sess := range sessions {
		for _, chat := range chats {
			for _, name := range names {
				out = append(out, subjectOf(s, sess, chat, name))
			}
		}
	}
	return out
}

// subjectOf is <prefix>.<session>.evt.<chat token>.<event>, where the
// tokens may be wildcards (Subjects.Event would escape them).
func subjectOf(s natsbus.Subjects, session, chatToken, name string) string {
	return strings.TrimSuffix(s.All("evt"), "*.evt.>") + session + ".evt." + chatToken + "." + name
}

func orAll(list []string, all string) []string {
	if len(list) == 0 {
		return []string{all}
	}
	return list
}

func dedupe(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

func invalidField(field, value, format string, args ...any) error {
	msg := field + " " + fmt.Sprintf(format, args...)
	if value != "" {
		msg = field + " " + quote(value) + " " + fmt.Sprintf(format, args...)
	}
	return werr.Invalid(werr.CodeInvalidPayload, "%s", msg).WithDetails(map[string]any{"field": field})
}

func quote(s string) string { return `"` + ident.Clip(s, 80) + `"` }

func withField(err error, field string) error {
	we := werr.From(err)
	return werr.Invalid(we.Code, "%s: %s", field, we.Message).WithDetails(map[string]any{"field": field})
}

// Check reports what is wrong with d, as Create would.
func Check(d Definition) error {
	_, err := normalize(d)
	return err
}

// CheckDeclared reports what is wrong with a webhook of the config file,
// before anything starts: what Check finds, and a missing secret. Create
// shows a generated secret in its answer; nothing would show one generated
// for a declared webhook (GET never shows secrets), so its receiver could
// never verify a signature.
func CheckDeclared(d Definition) error {
	if d.Secret == "" {
		return invalidField("secret", "", "is required for a webhook of the config file (receivers verify with it): write one as %s<base64 of 32 random bytes>", SecretPrefix)
	}
	return Check(d)
}
