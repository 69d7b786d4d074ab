package bridge

// The media id codec, for tests that pin its form.
var (
	MediaID      = mediaID
	ParseMediaID = parseMediaID
)
