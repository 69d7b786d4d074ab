package vcard

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Card is what a contact card carries.
type Card struct {
	Name  string // FN, the name shown; required
	Phone string // international digits without '+'; required
	Email string // optional
	Org   string // optional
}

// maxValue bounds each field: WhatsApp shows short names, and the whole
// card has to fit in one message.
const maxValue = 1024

// Validate reports why c cannot be a card: an empty name, a phone that is
// not 5–20 digits, or a value with control characters other than a line
// break (the text form has no way to carry them), or invalid UTF-8.
func (c Card) Validate() error {
	var errs []error
	if c.Name == "" {
		errs = append(errs, errors.New("name is empty"))
	}
	if !digits(c.Phone) {
		errs = append(errs, fmt.Errorf("phone %q is not 5 to 20 digits", clip(c.Phone)))
	}
	for _, f := range []struct{ name, v string }{{"name", c.Name}, {"email", c.Email}, {"org", c.Org}} {
		if err := checkValue(f.v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.name, err))
		}
	}
	return errors.Join(errs...)
}

func digits(s string) bool {
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func checkValue(v string) error {
	if len(v) > maxValue {
		return fmt.Errorf("longer than %d bytes", maxValue)
	}
	if !utf8.ValidString(v) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range v {
		if r != '\n' && (unicode.IsControl(r) || r == utf8.RuneError) {
			return fmt.Errorf("control character %U", r)
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}
