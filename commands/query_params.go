package commands

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// The REST adapter hands every query parameter over as a string (it does
// not know the command's types), while NATS callers send JSON booleans and
// numbers. Query commands' payloads take both through these types; their
// schemas accept both forms too.

// flexBool is an optional boolean: true, false, "true" or "false".
type flexBool struct {
	set, val bool
}

func (b *flexBool) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if s, err := strconv.Unquote(string(data)); err == nil {
		data = []byte(s)
	}
	v, err := strconv.ParseBool(string(data))
	if err != nil || (string(data) != "true" && string(data) != "false") {
		return fmt.Errorf("want true or false, got %s", data)
	}
	b.set, b.val = true, v
	return nil
}

// ptr is the boolean for a query filter: nil when not given.
func (b flexBool) ptr() *bool {
	if !b.set {
		return nil
	}
	v := b.val
	return &v
}

// flexInt is a non-negative integer given as a number or a decimal string.
type flexInt int

func (n *flexInt) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if s, err := strconv.Unquote(string(data)); err == nil {
		data = []byte(s)
	}
	var v int
	if err := json.Unmarshal(data, &v); err != nil || v < 0 {
		return fmt.Errorf("want a non-negative integer, got %s", data)
	}
	*n = flexInt(v)
	return nil
}
