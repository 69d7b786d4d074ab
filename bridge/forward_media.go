package bridge

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

// forwardableMedia makes the forwarded copy msg of orig point at a blob
// its recipients can download. A forward reuses the original's encrypted
// blob, and WhatsApp's CDN keeps blobs for a while only: forwarded after
// that, the message would reach everyone and open for no one. So the blob
// is downloaded first (a forward is rare, and only a download tells); when
// the CDN has dropped it the sender's phone is asked to upload it again
// (the same blob at a new direct path), and failing that the copy the
// bridge kept of the media (WA_MEDIA, under its media id) is uploaded
// anew. With none of them the forward is refused (NOT_FOUND) rather than
// sent dead. A check that fails otherwise (the network) forwards as is:
// the blob may well be there, as it is for most forwards.
func (s *Session) forwardableMedia(ctx context.Context, l *link, orig StoredMessage, msg *waE2E.Message) error {
	sub, info := downloadable(msg)
	if sub == nil {
		return nil
	}
	err := s.probeMedia(ctx, l, sub)
	if err == nil || !expiredOnCDN(err) {
		if err != nil {
			s.log.Warn("could not check that forwarded media is still downloadable; forwarding it as is", "msg_id", orig.ID, "error", err)
		}
		return nil
	}
	s.log.Info("forwarded media expired on WhatsApp's CDN; asking the phone to upload it again", "msg_id", orig.ID, "chat", orig.Chat)
	again, err := s.retryMedia(ctx, l, orig, fromCDNOnly(sub), 0)
	if err == nil {
		setBlobField(sub, "URL", protoreflect.Value{})
		setBlobField(sub, "directPath", protoreflect.ValueOfString(again.GetDirectPath()))
		return nil
	}
	s.log.Info("the phone did not bring the forwarded media back; uploading the kept copy", "msg_id", orig.ID, "error", err)
	return s.reuploadKept(ctx, l, orig, sub, info.Kind)
}

// probeMedia downloads sub to a temporary file and drops it.
func (s *Session) probeMedia(ctx context.Context, l *link, sub whatsmeow.DownloadableMessage) error {
	f, err := os.CreateTemp(s.d.cfg.MediaPrep.TempDir, "wabridge-forward-*")
	if err != nil {
		return fmt.Errorf("creating a file to check forwarded media: %w", err)
	}
	defer func() {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}()
	return l.client.DownloadToFile(ctx, fromCDNOnly(sub), f)
}

// reuploadKept uploads the bridge's copy of orig's media, which must be
// the very content the message names (its sha256), and points sub at the
// new blob.
func (s *Session) reuploadKept(ctx context.Context, l *link, orig StoredMessage, sub whatsmeow.DownloadableMessage, kind string) error {
	gone := werr.New(werr.KindNotFound, werr.CodeNotFound,
		"the media of message %s is no longer on WhatsApp's servers nor on the sender's phone, and this bridge kept no copy of it: it cannot be forwarded", orig.ID)
	mt := forwardUploadType(kind)
	if s.d.cfg.Media == nil || mt == "" {
		return gone
	}
	limit := int64(declaredLength(sub))
	if limit <= 0 {
		limit = s.d.cfg.MediaLimits.Of(media.Document)
	}
	ref := mediastore.Ref(mediastore.DefaultBucket, mediaID(s.name, userID(orig)))
	blob, err := s.d.cfg.Media.Resolve(ctx, ref, limit)
	if err != nil {
		if werr.From(err).Kind == werr.KindNotFound || werr.From(err).Kind == werr.KindInvalid {
			return gone
		}
		return err
	}
	defer func() { _ = blob.Remove() }()
	if !bytes.Equal(blob.SHA256, sub.GetFileSHA256()) {
		return gone // another content under the name: not what was sent
	}
	resp, err := s.uploadBlob(ctx, l, blob, mt, kind == events.KindDocument)
	if err != nil {
		return classify(err, op(types.EmptyJID, "uploading the kept media of message %s again", orig.ID))
	}
	setBlob(sub, upload{UploadResponse: resp, At: time.Now().UTC()})
	return nil
}

// forwardUploadType is the upload type of a media kind, as mediaKinds
// gives it for sends (stickers are encrypted as images); "" for none.
func forwardUploadType(kind string) whatsmeow.MediaType {
	switch kind {
	case events.KindImage, events.KindSticker:
		return whatsmeow.MediaImage
	case events.KindVideo:
		return whatsmeow.MediaVideo
	case events.KindAudio:
		return whatsmeow.MediaAudio
	case events.KindDocument:
		return whatsmeow.MediaDocument
	}
	return ""
}

// setBlob points a media message at an upload.
func setBlob(sub whatsmeow.DownloadableMessage, up upload) {
	setBlobField(sub, "URL", protoreflect.ValueOfString(up.URL))
	setBlobField(sub, "directPath", protoreflect.ValueOfString(up.DirectPath))
	setBlobField(sub, "mediaKey", protoreflect.ValueOfBytes(up.MediaKey))
	setBlobField(sub, "fileEncSHA256", protoreflect.ValueOfBytes(up.FileEncSHA256))
	setBlobField(sub, "fileSHA256", protoreflect.ValueOfBytes(up.FileSHA256))
	setBlobField(sub, "fileLength", protoreflect.ValueOfUint64(up.FileLength))
	if ts := up.keyTimestamp(); ts != nil {
		setBlobField(sub, "mediaKeyTimestamp", protoreflect.ValueOfInt64(*ts))
	}
}

// setBlobField sets (or, with an invalid value, clears) a field every
// media message type has under the same name; whatsmeow gives them no
// common setter.
func setBlobField(sub whatsmeow.DownloadableMessage, name string, v protoreflect.Value) {
	m, ok := sub.(proto.Message)
	if !ok {
		return
	}
	r := m.ProtoReflect()
	fd := r.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		return
	}
	if !v.IsValid() {
		r.Clear(fd)
		return
	}
	r.Set(fd, v)
}
