package schemas_test

import (
	"errors"
	"testing"

	"github.com/wabridge/wabridge/schemas"
)

// FuzzValidate: any bytes give nil or a *ValidationError with at least one
// issue, never a panic or another error.
func FuzzValidate(f *testing.F) {
	for _, seed := range []string{`{"phone":"1","message":"m"}`, `{}`, `[`, `{"mentions":[1,{},null]}`, `1e999999`} {
		f.Add([]byte(seed))
	}
	set, err := schemas.Compiled()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := set.Validate("commands/send.message.json", doc)
		if err == nil {
			return
		}
		var ve *schemas.ValidationError
		if !errors.As(err, &ve) || len(ve.Issues) == 0 {
			t.Fatalf("Validate(%q) = %v", doc, err)
		}
	})
}
