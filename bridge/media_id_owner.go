package bridge

// OwnsMediaID reports whether id is a media id of session in the one
// spelling the events give: what GET /media/<id> may serve that session.
// Other names in the media bucket (uploads, the fetcher's marks, other
// sessions' media) are not.
func OwnsMediaID(session, id string) bool {
	_, err := parseMediaID(session, id)
	return err == nil
}
