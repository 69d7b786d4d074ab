package media

import "testing"

// FuzzParseWebP: the chunk walk never reads past the data, whatever the
// sizes and counts it is told.
func FuzzParseWebP(f *testing.F) {
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02\x00\x00\x00\xff\x01\x00\xff\x01\x00"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPANMF\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x64\x00\x00\x00"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 \xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, whole := range []bool{true, false} {
			info, err := parseWebP(data, whole)
			if err == nil && (info.Frames < 0 || info.DurationMS < 0 || info.Width < 0 || info.Height < 0) {
				t.Fatalf("impossible info %+v", info)
			}
		}
	})
}
