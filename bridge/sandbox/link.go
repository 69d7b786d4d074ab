package sandbox

import "go.mau.fi/whatsmeow/proto/waE2E"

// LinkPreview is the preview a recipient's phone shows under a link: what
// the sending session fetched and put into the ExtendedTextMessage.
type LinkPreview struct {
	MatchedText     string `json:"matched_text"`
	Title           string `json:"title,omitempty"`
	Description     string `json:"description,omitempty"`
	PreviewType     string `json:"preview_type,omitempty"`
	ThumbnailBytes  int    `json:"thumbnail_bytes,omitempty"` // size of the JPEG thumbnail
	ThumbnailWidth  uint32 `json:"thumbnail_width,omitempty"`
	ThumbnailHeight uint32 `json:"thumbnail_height,omitempty"`
}

// linkPreview reads the preview of an extended text, nil when it has none.
func linkPreview(ext *waE2E.ExtendedTextMessage) *LinkPreview {
	if ext.GetMatchedText() == "" {
		return nil
	}
	return &LinkPreview{
		MatchedText:     ext.GetMatchedText(),
		Title:           ext.GetTitle(),
		Description:     ext.GetDescription(),
		PreviewType:     ext.GetPreviewType().String(),
		ThumbnailBytes:  len(ext.GetJPEGThumbnail()),
		ThumbnailWidth:  ext.GetThumbnailWidth(),
		ThumbnailHeight: ext.GetThumbnailHeight(),
	}
}
