package bridge

import (
	"context"
	"net/url"
	"strings"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/fetch"
	"github.com/wabridge/wabridge/internal/linkpreview"
	"github.com/wabridge/wabridge/internal/werr"
)

// SendLinkRequest is a link to send with its preview (send.link).
type SendLinkRequest struct {
	To      string // phone number or JID
	Link    string // http(s) URL
	Caption string // optional text before the link
	Key     string // the command's idempotency key
}

// PreviewOutcome says whether a sent message carries a link preview and,
// when not, why.
type PreviewOutcome struct {
	Shown       bool   `json:"preview"`
	Reason      string `json:"preview_reason,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Thumbnail   bool   `json:"thumbnail"`
}

// previewer builds link previews; *linkpreview.Previewer is one.
type previewer interface {
	Preview(ctx context.Context, link string) (linkpreview.Preview, error)
}

var _ previewer = (*linkpreview.Previewer)(nil)

// newPreviewer is the manager's previewer, fetching under cfg's guard.
func newPreviewer(cfg fetch.Config) (*linkpreview.Previewer, error) {
	f, err := fetch.New(cfg)
	if err != nil {
		return nil, err
	}
	return linkpreview.New(f, linkpreview.Config{}), nil
}

// SendLink sends req.Link (after the caption, on a line of its own) with the
// preview WhatsApp shows under it: title, description and thumbnail from
// the page. A link the fetch guard refuses (a private, loopback or
// link-local address, directly, by name or by redirect) is URL_NOT_ALLOWED
// and nothing is sent; a page that cannot be had otherwise (down, not HTML,
// no tags) still sends the link, without a preview, and the result says why.
func (s *Session) SendLink(ctx context.Context, req SendLinkRequest) (SendResult, error) {
	to, err := ParseRecipient(req.To)
	if err != nil {
		return SendResult{}, err
	}
	if err := checkLink(req.Link); err != nil {
		return SendResult{}, err
	}
	l, me := s.view()
	if !l.loggedIn(me) {
		return SendResult{}, errNotLoggedIn(s.name)
	}
	if !l.client.IsConnected() {
		return SendResult{}, errNotConnected(s.name)
	}
	text := req.Link
	if c := strings.TrimSpace(req.Caption); c != "" {
		text = c + "\n" + req.Link
	}
	msg := &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String(text)}}
	outcome, err := s.preview(ctx, req.Link, msg)
	if err != nil {
		return SendResult{}, err
	}
	res, err := s.send(ctx, l, me, sendJob{to: to, msg: msg, key: req.Key, text: text, what: "sending the link to %s"})
	if err != nil {
		return SendResult{}, err
	}
	res.Preview = &outcome
	return res, nil
}

// preview fetches link's preview into msg (made an ExtendedTextMessage if
// it is a Conversation). A refusal of the fetch guard is returned as its
// URL_NOT_ALLOWED error (with the outcome saying so); every other failure
// is only the outcome's reason.
func (s *Session) preview(ctx context.Context, link string, msg *waE2E.Message) (PreviewOutcome, error) {
	if s.d.preview == nil {
		return PreviewOutcome{Reason: "link previews are not configured"}, nil
	}
	p, err := s.d.preview.Preview(ctx, link)
	if err != nil {
		we := werr.From(err)
		s.log.Info("link preview unavailable", "code", we.Code, "error", err)
		if we.Code == werr.CodeURLNotAllowed {
			return PreviewOutcome{Reason: we.Message}, we
		}
		return PreviewOutcome{Reason: we.Message}, nil
	}
	if msg.ExtendedTextMessage == nil {
		msg.ExtendedTextMessage = &waE2E.ExtendedTextMessage{Text: proto.String(msg.GetConversation())}
		msg.Conversation = nil
	}
	ext := msg.ExtendedTextMessage
	ext.MatchedText = proto.String(link)
	ext.Title = proto.String(p.Title)
	ext.Description = proto.String(p.Description)
	ext.PreviewType = waE2E.ExtendedTextMessage_NONE.Enum()
	out := PreviewOutcome{Shown: true, Title: p.Title, Description: p.Description, Reason: p.ImageError}
	if p.Thumbnail != nil {
		ext.JPEGThumbnail = p.Thumbnail
		ext.ThumbnailWidth = proto.Uint32(uint32(p.ThumbnailWidth))
		ext.ThumbnailHeight = proto.Uint32(uint32(p.ThumbnailHeight))
		out.Thumbnail = true
	}
	return out, nil
}

// checkLink refuses what is no absolute http(s) URL.
func checkLink(link string) error {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(link, " \t\r\n") {
		return werr.Invalid(werr.CodeInvalidPayload, "link must be an absolute http or https URL")
	}
	return nil
}

// leadingLink is the URL a text starts with, "" when it starts with none.
func leadingLink(text string) string {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return ""
	}
	first := fields[0]
	lower := strings.ToLower(first)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return ""
	}
	if checkLink(first) != nil {
		return ""
	}
	return first
}

// textPreview adds the preview of the link a text starts with to msg unless
// req opts out. Unlike send.link, a text is sent whatever becomes of
// its preview, a link the guard refuses included: the caller asked for a
// message, the preview is a courtesy.
func (s *Session) textPreview(ctx context.Context, req SendTextRequest, msg *waE2E.Message) *PreviewOutcome {
	link := leadingLink(req.Text)
	if req.NoLinkPreview || link == "" {
		return nil
	}
	out, _ := s.preview(ctx, link, msg)
	return &out
}
