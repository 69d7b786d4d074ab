package httpadapter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

// pathMedia serves stored media by id (CONTRACT §7).
const pathMedia = "/media/:id"

// metaViewOnce marks an object served once, then deleted.
const metaViewOnce = "view_once"

// mediaRoutes serves GET /media/:id from the media store: the content type
// it was stored with, its sha256 as ETag, byte ranges (several as
// multipart/byteranges, at most maxRanges). Only the
// request's session's media ids are served (MediaConfig.IDs). A missing
// object is fetched first (downloaded from WhatsApp) when a Fetcher is set.
type mediaRoutes struct {
	cfg *MediaConfig
	log *slog.Logger
	// serving holds the view-once ids being served, so two requests at
	// once cannot both see a media meant to be seen once.
	serving *sync.Map
}

func newMediaRoutes(cfg *MediaConfig, log *slog.Logger) mediaRoutes {
	return mediaRoutes{cfg: cfg, log: log, serving: &sync.Map{}}
}

func (m mediaRoutes) register(g gin.IRoutes) {
	g.GET(pathMedia, m.get)
	g.HEAD(pathMedia, m.get)
}

func (m mediaRoutes) get(c *gin.Context) {
	session, err := sessionOf(c)
	if err != nil {
		writeErr(c, err)
		return
	}
	c.Set(ctxSession, session)
	id := c.Param("id")
	if !m.owns(session, id) {
		// The same answer as for an id nobody has: whether the object
		// exists is none of this session's business.
		writeErr(c, werr.New(werr.KindNotFound, werr.CodeNotFound, "no media %q in session %s", truncate(id), session))
		return
	}
	info, err := m.stat(c.Request.Context(), session, id)
	if err != nil {
		writeErr(c, err)
		return
	}
	viewOnce := info.Meta[metaViewOnce] == "true"
	if viewOnce {
		if _, busy := m.serving.LoadOrStore(id, true); busy {
			writeErr(c, werr.New(werr.KindNotFound, werr.CodeNotFound, "view-once media %q is being served to another request", truncate(id)))
			return
		}
		defer m.serving.Delete(id)
		// Seen once means whole: no ranges, no revalidation.
		for _, h := range []string{"Range", "If-Range", "If-None-Match", "If-Modified-Since"} {
			c.Request.Header.Del(h)
		}
	} else if n := rangeCount(c.GetHeader("Range")); n > maxRanges {
		refuseRanges(c.Writer, info.Size, n)
		return
	}
	content := &objectReader{ctx: c.Request.Context(), store: m.cfg.Store, name: id, size: info.Size}
	defer content.Close()
	setMediaHeaders(c.Writer.Header(), info, id, viewOnce)
	http.ServeContent(c.Writer, c.Request, "", info.Modified, content)
	if viewOnce && m.servedWhole(c, info) {
		if err := m.cfg.Store.Delete(context.WithoutCancel(c.Request.Context()), id); err != nil {
			m.log.Error("deleting view-once media after it was served", "object", id, "err", err)
		}
	}
}

// owns reports whether id is a media id of session, the only names served:
// the bucket also holds uploads, the fetcher's marks and other sessions'
// media. Without IDs nothing is.
func (m mediaRoutes) owns(session, id string) bool {
	return m.cfg.IDs != nil && m.cfg.IDs.Owns(session, id)
}

// stat describes object id, asking the Fetcher to store it first when it
// is missing.
func (m mediaRoutes) stat(ctx context.Context, session, id string) (mediastore.Info, error) {
	info, err := m.cfg.Store.Stat(ctx, id)
	if err == nil || werr.From(err).Code != werr.CodeNotFound || m.cfg.Fetcher == nil {
		return info, err
	}
	if err := m.cfg.Fetcher.Fetch(ctx, session, id); err != nil {
		return mediastore.Info{}, err
	}
	return m.cfg.Store.Stat(ctx, id)
}

// servedWhole reports a complete 200 answer with every byte written.
func (m mediaRoutes) servedWhole(c *gin.Context, info mediastore.Info) bool {
	return c.Request.Method == http.MethodGet && c.Writer.Status() == http.StatusOK && int64(c.Writer.Size()) == info.Size
}

// setMediaHeaders describes the answer. Media comes from strangers: it is
// shown inline only when it is an image, audio or video a browser cannot
// run, downloaded otherwise, and never run as a page of this origin.
func setMediaHeaders(h http.Header, info mediastore.Info, id string, viewOnce bool) {
	ct := info.Mimetype
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	if info.SHA256 != "" {
		h.Set("ETag", `"`+info.SHA256+`"`)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'")
	if viewOnce {
		h.Set("Cache-Control", "private, no-store")
	} else {
		h.Set("Cache-Control", "private, no-cache")
	}
	h.Set("Content-Disposition", disposition(ct, info.Filename, id))
}

func disposition(ct, filename, id string) string {
	kind := "attachment"
	if mt, _, err := mime.ParseMediaType(ct); err == nil && inlineSafe(mt) {
		kind = "inline"
	}
	if filename == "" {
		filename = id
	}
	// FormatMediaType quotes the name, or encodes it per RFC 2231 when it is
	// not plain ASCII; it refuses (returns "") only what cannot be encoded.
	if v := mime.FormatMediaType(kind, map[string]string{"filename": filename}); v != "" {
		return v
	}
	return kind
}

// inlineSafe are the types a browser only displays or plays. SVG is an
// image that runs scripts.
func inlineSafe(mt string) bool {
	if mt == "image/svg+xml" || strings.Contains(mt, "xml") || strings.Contains(mt, "html") {
		return false
	}
	return strings.HasPrefix(mt, "image/") || strings.HasPrefix(mt, "audio/") || strings.HasPrefix(mt, "video/")
}

// objectReader is a stored object as the io.ReadSeeker http.ServeContent
// needs. The object store reads forward only: a Seek just moves the
// position; a Read ahead of the open stream skips forward on it (ranges in
// order are one pass over the object), one behind it reopens the object
// and skips to it.
type objectReader struct {
	ctx   context.Context
	store MediaStore
	name  string
	size  int64

	pos   int64 // where the next Read reads
	rc    io.ReadCloser
	rcPos int64 // where rc is
}

func (o *objectReader) Seek(offset int64, whence int) (int64, error) {
	var to int64
	switch whence {
	case io.SeekStart:
		to = offset
	case io.SeekCurrent:
		to = o.pos + offset
	case io.SeekEnd:
		to = o.size + offset
	default:
		return o.pos, fmt.Errorf("seeking media object: whence %d", whence)
	}
	if to < 0 {
		return o.pos, errors.New("seeking media object before its start")
	}
	o.pos = to
	return to, nil
}

func (o *objectReader) Read(p []byte) (int, error) {
	if o.pos >= o.size {
		return 0, io.EOF
	}
	if o.rc != nil && o.rcPos < o.pos {
		if err := o.skip(); err != nil {
			return 0, err
		}
	}
	if o.rc == nil || o.rcPos != o.pos {
		if err := o.open(); err != nil {
			return 0, err
		}
	}
	n, err := o.rc.Read(p)
	o.pos += int64(n)
	o.rcPos += int64(n)
	return n, err
}

func (o *objectReader) open() error {
	o.Close()
	rc, _, err := o.store.Get(o.ctx, o.name)
	if err != nil {
		return err
	}
	if _, err := io.CopyN(io.Discard, rc, o.pos); err != nil {
		rc.Close()
		return fmt.Errorf("skipping to byte %d of media object %s: %w", o.pos, o.name, err)
	}
	o.rc, o.rcPos = rc, o.pos
	return nil
}

// skip reads the open stream up to the position; a stream that fails is
// closed, and the Read reopens the object.
func (o *objectReader) skip() error {
	n, err := io.CopyN(io.Discard, o.rc, o.pos-o.rcPos)
	o.rcPos += n
	if err != nil {
		o.Close()
		if err == io.EOF {
			return fmt.Errorf("media object %s ended at byte %d of %d", o.name, o.rcPos, o.size)
		}
	}
	return nil
}

func (o *objectReader) Close() error {
	if o.rc == nil {
		return nil
	}
	err := o.rc.Close()
	o.rc = nil
	return err
}
