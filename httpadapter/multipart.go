package httpadapter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wabridge/wabridge/internal/media"
	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

// multipartType is the body type of REST uploads, as the reference's
// `curl -F` examples send it.
const multipartType = "multipart/form-data"

// uploadPrefix starts the object names of REST uploads.
const uploadPrefix = "upload/"

// uploader turns a multipart/form-data request into a command's data: each
// file part is streamed into the media store (never held whole in memory)
// and the field carries its nats-object:// reference; the text parts become
// fields typed by the command's schema.
type uploader struct {
	cfg       *MediaConfig
	route     Route
	maxFields int64 // bound of all text fields together (Config.MaxBodyBytes)
	log       *slog.Logger
}

// mediaKinds are the route's fields that take a file, with the kind whose
// limit bounds it.
func mediaKinds(r Route) map[string]media.Kind {
	out := map[string]media.Kind{}
	for name := range r.Fields {
		if k := media.Kind(name); k.Valid() {
			out[name] = k
		}
	}
	return out
}

// takesUploads reports whether route r accepts multipart uploads.
func takesUploads(cfg Config, r Route) bool { return cfg.Media != nil && len(mediaKinds(r)) > 0 }

// isMultipart reports a multipart/form-data Content-Type.
func isMultipart(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == multipartType
}

// commandData reads the request's form into command data. Whatever it
// stored is removed again when the request fails here; once the command is
// sent the uploads stay (the bucket's retention removes them).
func (u *uploader) commandData(c *gin.Context) ([]byte, error) {
	// An upload may take longer than the server's read timeout, which is
	// sized for JSON; not every ResponseWriter lets us extend it.
	_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(u.cfg.UploadTimeout))
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, u.cfg.MaxUploadBytes)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "multipart/form-data body without a usable boundary: %v", err)
	}
	f := &form{u: u, fields: map[string]json.RawMessage{}, left: u.maxFields}
	if err := f.read(c.Request.Context(), mr); err != nil {
		f.discard(c.Request.Context())
		return nil, err
	}
	for _, p := range c.Params {
		f.fields[p.Key] = mustString(p.Value)
	}
	out, err := json.Marshal(f.fields)
	if err != nil {
		f.discard(c.Request.Context())
		return nil, fmt.Errorf("encoding command data: %w", err)
	}
	return out, nil
}

// form is one multipart body being read.
type form struct {
	u      *uploader
	fields map[string]json.RawMessage
	arrays map[string][]string
	stored []string // object names put so far
	left   int64    // text bytes still allowed
}

func (f *form) read(ctx context.Context, mr *multipart.Reader) error {
	kinds := mediaKinds(f.u.route)
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) && n == 0 {
			// Go's reader also ends this way on a body without any
			// boundary line.
			return werr.Invalid(werr.CodeInvalidPayload, "the multipart body has no parts")
		}
		if errors.Is(err, io.EOF) {
			return f.finishArrays()
		}
		if err != nil {
			return f.bodyError(err)
		}
		err = f.part(ctx, part, kinds)
		part.Close()
		if err != nil {
			return err
		}
	}
}

func (f *form) part(ctx context.Context, part *multipart.Part, kinds map[string]media.Kind) error {
	name := part.FormName()
	if name == "" {
		return werr.Invalid(werr.CodeInvalidPayload, "a multipart part has no form field name")
	}
	typ := f.u.route.Fields[name]
	if _, dup := f.fields[name]; dup || (f.arrays[name] != nil && typ != "array") {
		return werr.Invalid(werr.CodeInvalidPayload, "field %q is given more than once", truncate(name))
	}
	kind, isMedia := kinds[name]
	switch {
	case isMedia && part.FileName() != "":
		ref, err := f.upload(ctx, part, kind)
		if err != nil {
			return err
		}
		f.fields[name] = mustString(ref)
		return nil
	case part.FileName() != "":
		return werr.Invalid(werr.CodeInvalidPayload, "field %q takes text, not a file", truncate(name)).
			WithDetails(map[string]any{"file_fields": sortedNames(kinds)})
	}
	// A media field sent as text is a source like in JSON: a data: URL, a
	// url or an object reference.
	value, err := f.text(part)
	if err != nil {
		return err
	}
	if typ == "array" {
		if f.arrays == nil {
			f.arrays = map[string][]string{}
		}
		f.arrays[name] = append(f.arrays[name], value)
		return nil
	}
	f.fields[name] = coerce(value, typ)
	return nil
}

// text reads a text part within what is left of the text bound.
func (f *form) text(part *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, f.left+1))
	if err != nil {
		return "", f.bodyError(err)
	}
	if int64(len(b)) > f.left {
		return "", &statusError{Status: http.StatusRequestEntityTooLarge, Code: werr.CodePayloadTooLarge,
			Message: fmt.Sprintf("the text fields of the form exceed %d bytes", f.u.maxFields)}
	}
	f.left -= int64(len(b))
	return string(b), nil
}

// upload streams a file part into the store, bounded by its kind's limit.
func (f *form) upload(ctx context.Context, part *multipart.Part, kind media.Kind) (string, error) {
	name, err := uploadName()
	if err != nil {
		return "", err
	}
	limit := f.u.cfg.limit(kind)
	info := mediastore.Info{Filename: part.FileName(), Mimetype: declaredPartType(part.Header.Get("Content-Type"))}
	body := &boundedPart{r: part, left: limit, limit: limit, kind: kind}
	if _, err := f.u.cfg.Store.Put(ctx, name, body, info); err != nil {
		if body.err != nil {
			return "", body.err // the body's own failure, not the store's view of it
		}
		return "", err
	}
	f.stored = append(f.stored, name)
	return mediastore.Ref(f.u.cfg.Store.Bucket(), name), nil
}

// discard removes what this form stored, the request having failed before
// a command could use it.
func (f *form) discard(ctx context.Context) {
	for _, name := range f.stored {
		if err := f.u.cfg.Store.Delete(context.WithoutCancel(ctx), name); err != nil {
			f.u.log.Warn("removing the upload of a failed request", "object", name, "err", err)
		}
	}
}

func (f *form) finishArrays() error {
	for name, values := range f.arrays {
		raw, err := json.Marshal(values)
		if err != nil {
			return fmt.Errorf("encoding field %s: %w", name, err)
		}
		f.fields[name] = raw
	}
	return nil
}

// bodyError classifies a failure to read the body: over the upload bound,
// or malformed.
func (f *form) bodyError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &statusError{Status: http.StatusRequestEntityTooLarge, Code: werr.CodePayloadTooLarge,
			Message: fmt.Sprintf("the multipart body exceeds %d bytes", f.u.cfg.MaxUploadBytes)}
	}
	var we *werr.Error
	if errors.As(err, &we) {
		return we
	}
	return werr.Invalid(werr.CodeInvalidPayload, "reading the multipart body failed: %v", err)
}

// boundedPart fails with MEDIA_TOO_LARGE once a file part passes its
// kind's limit; at most limit+1 bytes are read.
type boundedPart struct {
	r     io.Reader
	left  int64
	limit int64
	kind  media.Kind
	err   error
}

func (b *boundedPart) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		b.err = werr.New(werr.KindTooLarge, werr.CodeMediaTooLarge, "the %s is larger than the limit of %d bytes", b.kind, b.limit).
			WithDetails(map[string]any{"limit": b.limit})
		return 0, b.err
	}
	b.left -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			b.err = &statusError{Status: http.StatusRequestEntityTooLarge, Code: werr.CodePayloadTooLarge,
				Message: fmt.Sprintf("the multipart body exceeds %d bytes", tooLarge.Limit)}
		} else {
			b.err = werr.Invalid(werr.CodeInvalidPayload, "reading the uploaded %s failed: %v", b.kind, err)
		}
		return n, b.err
	}
	return n, err
}

func uploadName() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("naming an upload: %w", err)
	}
	return uploadPrefix + hex.EncodeToString(b), nil
}

// declaredPartType is a part's Content-Type without parameters; curl's
// default application/octet-stream declares nothing.
func declaredPartType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt == "application/octet-stream" {
		return ""
	}
	return mt
}

// data is the command data of a request: its form for an upload to a
// media route, its JSON (or query) otherwise.
func (h *commandHandler) data(c *gin.Context) ([]byte, error) {
	if h.uploads != nil && isMultipart(c.GetHeader("Content-Type")) {
		return h.uploads.commandData(c)
	}
	return commandData(c, h.maxBody)
}
