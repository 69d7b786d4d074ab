package bridge

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/werr"
)

// defaultRetryWait bounds the wait for the phone's answer to a media retry.
const defaultRetryWait = 20 * time.Second

// mediaRetries hands each events.MediaRetry to the downloads waiting for
// it: the answer arrives through the session's event handler, the download
// waits on another goroutine. The zero value is ready to use.
type mediaRetries struct {
	mu      sync.Mutex
	waiting map[string][]chan *waEvents.MediaRetry
}

func retryKey(session string, id types.MessageID) string { return session + "\x00" + string(id) }

// await registers for the answer about message id; cancel unregisters.
func (r *mediaRetries) await(session string, id types.MessageID) (<-chan *waEvents.MediaRetry, func()) {
	ch := make(chan *waEvents.MediaRetry, 1)
	key := retryKey(session, id)
	r.mu.Lock()
	if r.waiting == nil {
		r.waiting = make(map[string][]chan *waEvents.MediaRetry)
	}
	r.waiting[key] = append(r.waiting[key], ch)
	r.mu.Unlock()
	return ch, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		list := r.waiting[key]
		for i, c := range list {
			if c == ch {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(r.waiting, key)
		} else {
			r.waiting[key] = list
		}
	}
}

// deliver gives evt to every download waiting for it; it reports whether
// one was.
func (r *mediaRetries) deliver(session string, evt *waEvents.MediaRetry) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	list := r.waiting[retryKey(session, evt.MessageID)]
	for _, ch := range list {
		select {
		case ch <- evt:
		default: // it has an answer already
		}
	}
	return len(list) > 0
}

// handleMediaRetry passes the phone's answer on. Nobody waiting (the
// download gave up) is no failure: the answer is only about a file.
func (s *Session) handleMediaRetry(evt *waEvents.MediaRetry) bool {
	if !s.d.retries.deliver(s.name, evt) {
		s.log.Debug("media retry answer nobody waits for", "msg_id", evt.MessageID)
	}
	return true
}

// retryMedia asks the sender's phone to upload sub again (WhatsApp's media
// retry receipt), waits for its answer and gives sub as it now is: at the
// direct path the phone named, without the dead URL (whatsmeow would try
// that URL alone). The message in the index is updated with it, so later
// downloads go there directly.
func (s *Session) retryMedia(ctx context.Context, l *link, m StoredMessage, sub whatsmeow.DownloadableMessage, wait time.Duration) (whatsmeow.DownloadableMessage, error) {
	key := sub.GetMediaKey()
	if len(key) == 0 {
		return nil, whatsmeow.ErrMediaNotAvailableOnPhone
	}
	info, err := retryInfo(m)
	if err != nil {
		return nil, err
	}
	if wait <= 0 {
		wait = defaultRetryWait
	}
	answers, cancel := s.d.retries.await(s.name, info.ID)
	defer cancel()
	if err := l.client.SendMediaRetryReceipt(ctx, info, key); err != nil {
		return nil, classify(err, op(info.Chat, "asking the phone to upload the media of message %s again", m.ID))
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var evt *waEvents.MediaRetry
	select {
	case evt = <-answers:
	case <-timer.C:
		return nil, werr.New(werr.KindTimeout, werr.CodeTimeout,
			"the sender's phone did not answer the media retry of message %s within %s", m.ID, wait)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	path, err := retriedPath(evt, key)
	if err != nil {
		return nil, err
	}
	return s.moveMedia(m, path)
}

// retryInfo is the message as the retry receipt names it.
func retryInfo(m StoredMessage) (*types.MessageInfo, error) {
	chat, err := types.ParseJID(m.Chat)
	if err != nil {
		return nil, werr.Wrap(err, werr.KindInternal, werr.CodeInternal, "internal error")
	}
	sender, _ := types.ParseJID(m.Sender)
	return &types.MessageInfo{
		MessageSource: types.MessageSource{Chat: chat, Sender: sender, IsFromMe: m.FromMe, IsGroup: chat.Server == types.GroupServer},
		ID:            m.ID,
	}, nil
}

// retriedPath decrypts the phone's answer: the new direct path, or why
// there is none.
func retriedPath(evt *waEvents.MediaRetry, key []byte) (string, error) {
	notif, err := whatsmeow.DecryptMediaRetryNotification(evt, key)
	if errors.Is(err, whatsmeow.ErrMediaNotAvailableOnPhone) {
		return "", err
	}
	if err != nil {
		return "", werr.Wrap(err, werr.KindUpstream, werr.CodeUpstream, "reading the phone's answer to a media retry failed")
	}
	switch notif.GetResult() {
	case waMmsRetry.MediaRetryNotification_SUCCESS:
		if !onMediaHost(notif.GetDirectPath()) { // media_download_host.go
			return "", werr.New(werr.KindUpstream, werr.CodeUpstream, "the phone's answer to a media retry names no path on WhatsApp's media hosts")
		}
		return notif.GetDirectPath(), nil
	case waMmsRetry.MediaRetryNotification_NOT_FOUND:
		return "", whatsmeow.ErrMediaNotAvailableOnPhone
	}
	return "", werr.New(werr.KindUpstream, werr.CodeUpstream, "the phone could not upload the media again (%s)", notif.GetResult())
}

// moveMedia points m's media at path, keeps that in the index and answers
// the media part to download.
func (s *Session) moveMedia(m StoredMessage, path string) (whatsmeow.DownloadableMessage, error) {
	moved := proto.Clone(m.Message).(*waE2E.Message)
	sub, _ := downloadable(moved)
	url, direct := mediaLocation(sub)
	if url == nil {
		return nil, werr.New(werr.KindInternal, werr.CodeInternal, "internal error: no media in message %s", m.ID)
	}
	*url, *direct = nil, proto.String(path)
	m.Message = moved
	if err := s.d.index.Put(s.name, m); err != nil {
		// The download goes on; the next one asks the phone again.
		s.log.Warn("keeping a media's new path failed", "msg_id", m.ID, "error", err)
	}
	return sub, nil
}
