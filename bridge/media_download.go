package bridge

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/werr"
)

// mediaDownloader is the part of a session's client that fetches received
// media from WhatsApp's CDN and asks the sender's phone to upload it again
// once the CDN has forgotten it (media retry, answered by an
// events.MediaRetry).
type mediaDownloader interface {
	DownloadToFile(ctx context.Context, msg whatsmeow.DownloadableMessage, file whatsmeow.File) error
	SendMediaRetryReceipt(ctx context.Context, message *types.MessageInfo, mediaKey []byte) error
}

var _ mediaDownloader = (*whatsmeow.Client)(nil)

// DownloadRequest names a received media message to download.
type DownloadRequest struct {
	// Ref is the media id of a message.received/.sent/.history event;
	// anything else is NOT_FOUND.
	Ref string
	// MaxBytes refuses media larger than this (declared or actual) with
	// MEDIA_TOO_LARGE; 0 is no bound.
	MaxBytes int64
	// RetryWait bounds the wait for the phone's answer to a media retry
	// when the CDN no longer has the file; default 20 s.
	RetryWait time.Duration
	// TempDir is where the download is spooled; "" is the system's.
	TempDir string
	// RefuseViewOnce answers NOT_FOUND for view-once media before
	// anything is downloaded: a bridge that does not keep view-once media
	// has no business putting its content on disk.
	RefuseViewOnce bool
}

// DownloadedMedia is a received media's content, spooled to a temporary
// file the caller removes (Blob.Remove), and what the message said of it.
type DownloadedMedia struct {
	Blob      *media.Blob // Mimetype sniffed from the content
	MessageID string      // user form
	MediaID   string
	Kind      string // events.KindImage, ...
	Mimetype  string // as the sender declared it
	Filename  string
	ViewOnce  bool
}

// DownloadMedia downloads a received media message's content: whatsmeow
// verifies the encrypted file's hash and MAC and the plaintext's hash
// against the message. When the CDN answers 404 or 410 (it keeps media for
// a while only) the sender's phone is asked to upload it again, and the
// download is tried once more from where the phone put it.
func (s *Session) DownloadMedia(ctx context.Context, req DownloadRequest) (*DownloadedMedia, error) {
	l, err := s.online()
	if err != nil {
		return nil, err
	}
	stored, err := s.mediaMessage(req.Ref)
	if err != nil {
		return nil, err
	}
	sub, out := downloadable(stored.Message)
	if sub == nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "message %s has no media to download", stored.ID)
	}
	out.ViewOnce = out.ViewOnce || stored.ViewOnce // a wrapper's mark lives in the index only
	sub = fromCDNOnly(sub)                         // media_download_host.go
	if out.ViewOnce && req.RefuseViewOnce {
		return nil, werr.New(werr.KindNotFound, werr.CodeNotFound,
			"the media of message %s is view-once, and this bridge does not keep view-once media (--media-download view_once)", stored.ID)
	}
	out.MessageID = userID(stored)
	out.MediaID = mediaID(s.name, out.MessageID)
	if declared := declaredLength(sub); req.MaxBytes > 0 && declared > uint64(req.MaxBytes) {
		return nil, tooLargeMedia(req.MaxBytes, int64(declared))
	}
	f, err := os.CreateTemp(req.TempDir, "wabridge-download-*")
	if err != nil {
		return nil, fmt.Errorf("creating a file for a media download: %w", err)
	}
	blob, err := s.downloadInto(ctx, l, stored, sub, f, req)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing a media download: %w", cerr)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return nil, err
	}
	out.Blob = blob
	return out, nil
}

// downloadInto downloads sub into f, through a media retry when the CDN
// has forgotten it, and describes the result.
func (s *Session) downloadInto(ctx context.Context, l *link, stored StoredMessage, sub whatsmeow.DownloadableMessage, f *os.File, req DownloadRequest) (*media.Blob, error) {
	err := l.client.DownloadToFile(ctx, sub, f)
	if expiredOnCDN(err) {
		s.log.Info("media expired on WhatsApp's CDN; asking the phone to upload it again", "msg_id", stored.ID, "chat", stored.Chat)
		var again whatsmeow.DownloadableMessage
		if again, err = s.retryMedia(ctx, l, stored, sub, req.RetryWait); err == nil {
			if err = restart(f); err == nil {
				err = l.client.DownloadToFile(ctx, again, f)
			}
		}
	}
	if errors.Is(err, whatsmeow.ErrFileLengthMismatch) {
		// The content is authenticated (hash and MAC of the encrypted file,
		// hash of the plaintext follow); only the sender's declared length
		// was off, which is no reason to refuse it.
		s.log.Warn("downloaded media differs from its declared length", "msg_id", stored.ID, "error", err)
		err = verifyPlainSHA256(f, sub.GetFileSHA256())
	}
	if err != nil {
		return nil, classifyDownload(err, stored)
	}
	blob, err := describe(f)
	if err != nil {
		return nil, err
	}
	if req.MaxBytes > 0 && blob.Size > req.MaxBytes {
		return nil, tooLargeMedia(req.MaxBytes, blob.Size)
	}
	return blob, nil
}

// mediaMessage finds the indexed message a media id names. Only media
// ids, as the events give them: the fetcher stores what it downloads
// under the name it was asked for, so a message id taken as well would
// store the same media under more names (and serve a view-once media once
// per name).
func (s *Session) mediaMessage(ref string) (StoredMessage, error) {
	messageID, err := parseMediaID(s.name, ref)
	if err != nil {
		return StoredMessage{}, err
	}
	return s.d.index.Lookup(s.name, messageID, types.EmptyJID)
}

// downloadable is the media part of m, with what the event said of it.
func downloadable(m *waE2E.Message) (whatsmeow.DownloadableMessage, *DownloadedMedia) {
	out := &DownloadedMedia{ViewOnce: viewOnce(m)}
	m, _ = unwrapViewOnce(m) // the bridge's own view-once sends are kept in their envelope
	switch {
	case m.GetImageMessage() != nil:
		x := m.GetImageMessage()
		out.Kind, out.Mimetype = events.KindImage, x.GetMimetype()
		return x, out
	case m.GetVideoMessage() != nil:
		x := m.GetVideoMessage()
		out.Kind, out.Mimetype = events.KindVideo, x.GetMimetype()
		return x, out
	case m.GetPtvMessage() != nil:
		x := m.GetPtvMessage()
		out.Kind, out.Mimetype = events.KindVideo, x.GetMimetype()
		return x, out
	case m.GetAudioMessage() != nil:
		x := m.GetAudioMessage()
		out.Kind, out.Mimetype = events.KindAudio, x.GetMimetype()
		return x, out
	case documentOf(m) != nil:
		x := documentOf(m)
		out.Kind, out.Mimetype, out.Filename = events.KindDocument, x.GetMimetype(), x.GetFileName()
		return x, out
	case m.GetStickerMessage() != nil:
		x := m.GetStickerMessage()
		out.Kind, out.Mimetype = events.KindSticker, x.GetMimetype()
		return x, out
	}
	return nil, nil
}

func declaredLength(sub whatsmeow.DownloadableMessage) uint64 {
	if x, ok := sub.(interface{ GetFileLength() uint64 }); ok {
		return x.GetFileLength()
	}
	return 0
}

func tooLargeMedia(limit, size int64) error {
	return werr.New(werr.KindTooLarge, werr.CodeMediaTooLarge,
		"media of %d bytes is larger than the download limit of %d bytes", size, limit).
		WithDetails(map[string]any{"limit": limit, "size": size})
}

// expiredOnCDN: WhatsApp's CDN answers 404 or 410 for media it no longer
// keeps; only the sender's phone can bring it back.
func expiredOnCDN(err error) bool {
	return errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404) || errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith410)
}

// classifyDownload: what the CDN and the phone cannot give is NOT_FOUND
// (final); content that fails its hashes is UNSUPPORTED_MEDIA (final: a
// second download gets the same bytes); the rest goes through classify
// (network trouble is transient).
func classifyDownload(err error, m StoredMessage) error {
	switch {
	case expiredOnCDN(err), errors.Is(err, whatsmeow.ErrMediaNotAvailableOnPhone), errors.Is(err, whatsmeow.ErrNoURLPresent):
		return werr.Wrap(err, werr.KindNotFound, werr.CodeNotFound,
			"the media of message %s is no longer on WhatsApp's servers nor on the sender's phone", m.ID)
	case errors.Is(err, whatsmeow.ErrInvalidMediaSHA256), errors.Is(err, whatsmeow.ErrInvalidMediaHMAC),
		errors.Is(err, whatsmeow.ErrInvalidMediaEncSHA256), errors.Is(err, whatsmeow.ErrTooShortFile):
		return werr.Wrap(err, werr.KindUnsupported, werr.CodeUnsupportedMedia,
			"the media of message %s does not match its hashes", m.ID)
	}
	return classify(err, op(types.EmptyJID, "downloading the media of message %s", m.ID))
}

// DownloadMedia is Session.DownloadMedia of the named session, for the
// media fetcher, which knows sessions by name only.
func (m *Manager) DownloadMedia(ctx context.Context, session string, req DownloadRequest) (*DownloadedMedia, error) {
	s, err := m.Get(session)
	if err != nil {
		return nil, err
	}
	return s.DownloadMedia(ctx, req)
}
