package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/cenats"
)

// ExtSeq is the CloudEvents extension carrying an event's stream sequence
// in what replay hands over.
const ExtSeq = "seq"

// Event is one stored event as replay hands it over.
type Event struct {
	// Seq is the event's sequence in the stream: the position to resume
	// after (Last-Event-ID, from_seq = Seq+1).
	Seq uint64
	// Type is the CloudEvent type.
	Type string
	// Stored is when the stream stored it.
	Stored time.Time
	// Pending is how many events of the query the stream held after this
	// one when it was delivered (for progress; a replay may end earlier).
	Pending uint64
	// JSON is the structured CloudEvent (JSON event format) with the
	// extension seq, on one line (no newline inside).
	JSON []byte
}

// encode turns a stored message, in either content mode, into the
// structured JSON event with the extension seq.
func encode(h nats.Header, data []byte, seq uint64) (typ string, out []byte, err error) {
	if typ, out, ok := encodeFast(h, data, seq); ok {
		return typ, out, nil
	}
	e, err := cenats.Decode(h, data)
	if err != nil {
		return "", nil, fmt.Errorf("decoding stored event at sequence %d: %w", seq, err)
	}
	// seq is written as a JSON number, spliced in rather than set as an
	// extension: CloudEvents integers are 32-bit, stream sequences are not.
	delete(e.Extensions(), ExtSeq)
	raw, err := e.MarshalJSON()
	if err != nil {
		return "", nil, fmt.Errorf("encoding stored event at sequence %d: %w", seq, err)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '{' {
		return "", nil, fmt.Errorf("encoding stored event at sequence %d: not a JSON object", seq)
	}
	out = make([]byte, 0, len(raw)+24)
	out = append(out, `{"seq":`...)
	out = strconv.AppendUint(out, seq, 10)
	if len(raw) > 2 {
		out = append(out, ',')
	}
	out = append(out, raw[1:]...)
	if bytes.IndexAny(out, "\r\n") >= 0 {
		// Data stored pretty-printed by another publisher: one event is
		// one line in NDJSON and SSE (where a lone CR ends a line too).
		var b bytes.Buffer
		if err := json.Compact(&b, out); err != nil {
			return "", nil, fmt.Errorf("compacting stored event at sequence %d: %w", seq, err)
		}
		out = b.Bytes()
	}
	return e.Type(), out, nil
}
