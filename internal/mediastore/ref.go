package mediastore

import (
	"regexp"
	"strings"
)

// DefaultBucket is the object store bucket media lives in.
const DefaultBucket = "WA_MEDIA"

// RefScheme starts an object reference.
const RefScheme = "nats-object://"

// maxNameLen bounds an object name: it becomes a (base64-encoded) subject
// token of the bucket's stream.
const maxNameLen = 1024

// bucketName is what JetStream accepts as an object store bucket.
var bucketName = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// Ref is the reference of object name in bucket:
// "nats-object://WA_MEDIA/<name>". The name is kept as is (no percent
// encoding), so the reference names exactly what `nats object put --name`
// stored.
func Ref(bucket, name string) string { return RefScheme + bucket + "/" + name }

// ParseRef splits a reference made by Ref. ok is false for anything else: a
// string without the scheme, a bucket JetStream would refuse, an empty or
// overlong name.
func ParseRef(s string) (bucket, name string, ok bool) {
	rest, found := strings.CutPrefix(s, RefScheme)
	if !found {
		return "", "", false
	}
	bucket, name, found = strings.Cut(rest, "/")
	if !found || !bucketName.MatchString(bucket) || !validName(name) {
		return "", "", false
	}
	return bucket, name, true
}

// validName accepts what the object store can keep and a header or log line
// can show: 1 to 1024 bytes without control characters.
func validName(name string) bool {
	if name == "" || len(name) > maxNameLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 || name[i] == 0x7f {
			return false
		}
	}
	return true
}
