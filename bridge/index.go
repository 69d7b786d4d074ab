package bridge

import (
	"encoding/json"
	"fmt"
	"github.com/wabridge/wabridge/internal/ident"
	"time"

	bolt "go.etcd.io/bbolt"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
)

// Layout: messages/<session>/byChat/<chat>\x00<id> → record, and
// messages/<session>/byID/<id> → chat, so a bare id without a chat still
// finds its message; messages/<session>/byTime/<unix nanos><chat>\x00<id>
// orders them for pruning. Chat JIDs and WhatsApp ids never contain NUL.
var (
	bucketMessages = []byte("messages")
	bucketByChat   = []byte("byChat")
	bucketByID     = []byte("byID")
	bucketByTime   = []byte("byTime")
)

// StoredMessage is what the index keeps of a message: enough to quote it.
type StoredMessage struct {
	Chat string
	// ChatAlt is the other form (phone number or LID) of a one-to-one
	// chat's JID, when WhatsApp told it: replies may name either form.
	ChatAlt   string
	ID        string
	Sender    string // the sender's account JID (no device part)
	FromMe    bool
	Timestamp time.Time
	Text      string
	Message   *waE2E.Message
	// ViewOnce marks a view-once message, also one that only the wrapper
	// whatsmeow peeled off said so (older clients): Message alone no
	// longer tells, and its media must still be stored for one serve
	// only and never forwarded.
	ViewOnce bool
}

// record is the stored form; the message is kept as protobuf bytes.
type record struct {
	ChatAlt   string    `json:"chat_alt,omitempty"`
	Sender    string    `json:"sender"`
	FromMe    bool      `json:"from_me"`
	Timestamp time.Time `json:"ts"`
	Text      string    `json:"text,omitempty"`
	Proto     []byte    `json:"msg,omitempty"`
	ViewOnce  bool      `json:"view_once,omitempty"`
}

// MessageIndex is the bbolt index of messages per session and chat.
type MessageIndex struct {
	db *store.DB // its one group commit is shared with the outbox
}

// NewMessageIndex opens the index in db, creating its bucket.
func NewMessageIndex(db *store.DB) (*MessageIndex, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketMessages)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("creating message index bucket: %w", err)
	}
	return &MessageIndex{db: db}, nil
}

// Put stores m at once, in a transaction of its own.
func (x *MessageIndex) Put(session string, m StoredMessage) error {
	return x.db.Commit(x.PutWrite(session, m))
}

// PutWrite is the write that stores m, replacing an earlier version (a
// redelivered message), for a caller to commit in the transaction that also
// keeps what the message became (its event, a command's result): both are
// kept or neither is. Like every store.Write it may run more than once.
func (x *MessageIndex) PutWrite(session string, m StoredMessage) store.Write {
	val, encErr := encodeRecord(m)
	return func(tx *bolt.Tx) error {
		if encErr != nil {
			return encErr
		}
		if err := putRecord(tx, session, m.Chat, m.ID, m.Timestamp.UTC(), val); err != nil {
			return fmt.Errorf("indexing message %s: %w", m.ID, err)
		}
		return nil
	}
}

func encodeRecord(m StoredMessage) ([]byte, error) {
	rec := record{ChatAlt: m.ChatAlt, Sender: m.Sender, FromMe: m.FromMe, Timestamp: m.Timestamp.UTC(), Text: m.Text, ViewOnce: m.ViewOnce}
	if m.Message != nil {
		b, err := proto.Marshal(m.Message)
		if err != nil {
			return nil, fmt.Errorf("marshalling message %s: %w", m.ID, err)
		}
		rec.Proto = b
	}
	val, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encoding message %s: %w", m.ID, err)
	}
	return val, nil
}

func putRecord(tx *bolt.Tx, session, chat, id string, ts time.Time, val []byte) error {
	sess, err := tx.Bucket(bucketMessages).CreateBucketIfNotExists([]byte(session))
	if err != nil {
		return err
	}
	byChat, err := sess.CreateBucketIfNotExists(bucketByChat)
	if err != nil {
		return err
	}
	byID, err := sess.CreateBucketIfNotExists(bucketByID)
	if err != nil {
		return err
	}
	byTime, err := sess.CreateBucketIfNotExists(bucketByTime)
	if err != nil {
		return err
	}
	key := chatKey(chat, id)
	if old := byChat.Get(key); old != nil {
		// A redelivery may carry another timestamp: keep one time entry.
		var prev record
		if json.Unmarshal(old, &prev) == nil {
			if err := byTime.Delete(timeKey(prev.Timestamp, key)); err != nil {
				return err
			}
		}
	}
	if err := byChat.Put(key, val); err != nil {
		return err
	}
	if err := byTime.Put(timeKey(ts, key), nil); err != nil {
		return err
	}
	return byID.Put([]byte(id), []byte(chat))
}

// Lookup finds a message by its user-form id or bare WhatsApp id. A bare id
// is looked up in defaultChat when given, then wherever it was seen last.
// Unknown messages are a werr MESSAGE_NOT_FOUND.
func (x *MessageIndex) Lookup(session, ref string, defaultChat types.JID) (StoredMessage, error) {
	_, chat, id, err := msgid.Parse(ref)
	if err != nil {
		return StoredMessage{}, werr.Invalid(werr.CodeInvalidPayload, "message id %q: %v", ident.Clip(ref, 80), err)
	}
	bare := chat == ""
	if bare && !defaultChat.IsEmpty() {
		chat = defaultChat.String()
	}
	var rec record
	found := false
	err = x.db.View(func(tx *bolt.Tx) error {
		sess := tx.Bucket(bucketMessages).Bucket([]byte(session))
		if sess == nil {
			return nil
		}
		byChat, byID := sess.Bucket(bucketByChat), sess.Bucket(bucketByID)
		if byChat == nil {
			return nil
		}
		if chat == "" && byID != nil {
			chat = string(byID.Get([]byte(id))) // no chat given: where it was seen last
		}
		val := byChat.Get(chatKey(chat, id))
		if val == nil && bare && byID != nil {
			if alt, ok := altChatMessage(byChat, byID, id, chat); ok {
				chat, rec, found = alt.chat, alt.rec, true
				return nil
			}
		}
		if val == nil {
			return nil
		}
		found = true
		return json.Unmarshal(val, &rec)
	})
	if err != nil {
		return StoredMessage{}, fmt.Errorf("looking up message %s: %w", id, err)
	}
	if !found {
		return StoredMessage{}, werr.New(werr.KindNotFound, werr.CodeMessageNotFound, "message %s not found", ident.Clip(ref, 80))
	}
	return rec.toStored(chat, id)
}

type located struct {
	chat string
	rec  record
}

// altChatMessage finds a bare id in the chat it was last seen in, but only
// when that chat is the same conversation as want under the peer's other JID
// (LID vs phone number). Quoting a message of another chat would leak its
// text into this one.
func altChatMessage(byChat, byID *bolt.Bucket, id, want string) (located, bool) {
	chat := string(byID.Get([]byte(id)))
	val := byChat.Get(chatKey(chat, id))
	if val == nil || want == "" {
		return located{}, false
	}
	var rec record
	if json.Unmarshal(val, &rec) != nil || rec.ChatAlt != want {
		return located{}, false
	}
	return located{chat: chat, rec: rec}, true
}

func (r record) toStored(chat, id string) (StoredMessage, error) {
	m := StoredMessage{Chat: chat, ChatAlt: r.ChatAlt, ID: id, Sender: r.Sender, FromMe: r.FromMe, Timestamp: r.Timestamp, Text: r.Text, ViewOnce: r.ViewOnce}
	if len(r.Proto) > 0 {
		m.Message = &waE2E.Message{}
		if err := proto.Unmarshal(r.Proto, m.Message); err != nil {
			return StoredMessage{}, fmt.Errorf("decoding stored message %s: %w", id, err)
		}
	}
	return m, nil
}

func chatKey(chat, id string) []byte {
	return []byte(chat + "\x00" + id)
}
