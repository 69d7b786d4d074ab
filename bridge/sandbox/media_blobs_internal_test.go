package sandbox

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/util/cbcutil"
)

// The store keeps what WhatsApp's CDN keeps: AES-CBC ciphertext under the
// keys whatsmeow derives, then the first 10 bytes of the HMAC; whatsmeow's
// own cbcutil decrypts it. Tampering is caught, and an expired blob is
// ErrBlobNotFound.
func TestBlobStoreEncryptsAsWhatsApp(t *testing.T) {
	var s blobStore
	for _, size := range []int{0, 1, 15, 16, 17, 32 * 1024, 32*1024 + 5, 100000} {
		plain := bytes.Repeat([]byte{byte(size)}, size)
		up, err := s.encryptUpload(bytes.NewReader(plain), whatsmeow.MediaVideo)
		if err != nil {
			t.Fatal(err)
		}
		r, info, err := s.open(up.DirectPath)
		if err != nil {
			t.Fatal(err)
		}
		enc, _ := io.ReadAll(r)
		if sum := sha256.Sum256(enc); !bytes.Equal(sum[:], up.FileEncSHA256) || info.Size != int64(len(enc)) {
			t.Fatalf("size %d: enc sha256 mismatch", size)
		}
		iv, key, _ := mediaKeys(up.MediaKey, whatsmeow.MediaVideo)
		got, err := cbcutil.Decrypt(key, iv, enc[:len(enc)-10])
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("size %d: whatsmeow decrypts %d bytes, %v", size, len(got), err)
		}
		var out bytes.Buffer
		ref := Reference{DirectPath: up.DirectPath, MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, MediaType: whatsmeow.MediaVideo}
		if n, err := s.decrypt(ref, &out); err != nil || n != int64(size) || !bytes.Equal(out.Bytes(), plain) {
			t.Fatalf("size %d: decrypt %d, %v", size, n, err)
		}
		bad := ref
		bad.FileSHA256 = bytes.Repeat([]byte{1}, 32)
		if _, err := s.decrypt(bad, io.Discard); err == nil {
			t.Fatalf("size %d: a wrong file sha256 decrypted", size)
		}
		if !s.expire(up.DirectPath) {
			t.Fatal("expire found nothing")
		}
		if _, err := s.decrypt(ref, io.Discard); !errors.Is(err, ErrBlobNotFound) {
			t.Fatalf("expired blob: %v", err)
		}
	}
}

// BenchmarkBlobStore5MiB is one 5 MiB upload and its decryption by the
// recipient, as every media send through the sandbox does.
func BenchmarkBlobStore5MiB(b *testing.B) {
	var s blobStore
	plain := bytes.Repeat([]byte("0123456789abcdef"), 5<<16)
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		up, err := s.encryptUpload(bytes.NewReader(plain), whatsmeow.MediaImage)
		if err != nil {
			b.Fatal(err)
		}
		ref := Reference{DirectPath: up.DirectPath, MediaKey: up.MediaKey, FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, MediaType: whatsmeow.MediaImage}
		if _, err := s.decrypt(ref, io.Discard); err != nil {
			b.Fatal(err)
		}
		s.expire(up.DirectPath)
	}
}
