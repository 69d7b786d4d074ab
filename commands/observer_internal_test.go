package commands

import (
	"errors"
	"strings"
	"testing"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/internal/werr"
)

// TestResultCodeReadsWhatResultDataSays: for results as resultData builds
// them, and for data that is not a result, the code the scan reads.
func TestResultCodeReadsWhatResultDataSays(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	cases := []struct {
		name string
		data any // marshalled as the event's data; []byte as is
		want string
	}{
		{"success", resultData(map[string]string{"id": "1"}, nil), CodeOK},
		{"success with large data", resultData(map[string]string{"code": big}, nil), CodeOK},
		{"paged success", resultData(testPage{}, nil), CodeOK},
		{"error", resultData(nil, werr.New(werr.KindConflict, werr.CodeEditWindowClosed, "too late")), werr.CodeEditWindowClosed},
		{"error with details", resultData(nil, &werr.Error{Kind: werr.KindInvalid, Code: werr.CodeInvalidPayload, Message: "bad",
			Details: map[string]any{"code": "not this"}}), werr.CodeInvalidPayload},
		{"plain error", resultData(nil, errors.New("boom")), werr.CodeInternal},
		{"code after the data", []byte(`{"status":500,"data":{"code":"X"},"code":"TIMEOUT"}`), werr.CodeTimeout},
		{"not an object", []byte(`[1,2]`), werr.CodeInternal},
		{"not JSON", []byte(`{"status":`), werr.CodeInternal},
		{"no data", nil, werr.CodeInternal},
		{"an error without code", []byte(`{"status":502,"message":"x"}`), werr.CodeInternal},
	}
	for _, c := range cases {
		ev := cloudevent.New()
		if c.data != nil {
			if err := ev.SetData(cloudevent.ApplicationJSON, c.data); err != nil {
				t.Fatal(err)
			}
		}
		if got := resultCode(ev); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

type testPage struct{}

func (testPage) pageData() any      { return []string{"a"} }
func (testPage) pageCursor() string { return "next" }

// BenchmarkResultCode: what the observer costs a command, for a small
// error and for a success whose data is 1 MiB (the scan stops before it).
func BenchmarkResultCode(b *testing.B) {
	for _, c := range []struct {
		name string
		data ResultData
	}{
		{"error", resultData(nil, werr.New(werr.KindNotConnected, werr.CodeNotConnected, "not connected"))},
		{"success 1MiB", resultData(map[string]string{"text": strings.Repeat("x", 1<<20)}, nil)},
	} {
		ev := cloudevent.New()
		if err := ev.SetData(cloudevent.ApplicationJSON, c.data); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				resultCode(ev)
			}
		})
	}
}
