package media

import "strings"

// inFamily reports whether a mimetype belongs to the kind's family: video/*
// for video; audio/* and Ogg for audio (sniffers call an Ogg file
// application/ogg, and an audio-only MP4 sniffs as video/mp4, which ffprobe
// then settles).
func inFamily(k Kind, mt string) bool {
	t := baseType(mt)
	switch k {
	case Video:
		return strings.HasPrefix(t, "video/")
	case Audio:
		return strings.HasPrefix(t, "audio/") || t == "application/ogg" || t == "video/mp4" || t == "video/webm"
	}
	return false
}

// checkFamily refuses content or a declared type outside the kind's family;
// within it the exact subtype is left to ffprobe (sniffers and senders name
// MP4 audio in several ways).
func checkFamily(k Kind, in *Blob, declared string) error {
	declared = declaredType(declared)
	if !inFamily(k, in.Mimetype) {
		return unsupported("the content is %s, not %s", in.Mimetype, k)
	}
	if declared != "" && !inFamily(k, declared) {
		return unsupported("the declared %s is not %s", declared, k)
	}
	return nil
}
