package chatstore

import (
	"context"
	"database/sql"
	"fmt"
)

// txn is one transaction of the projector. Message events change their
// chat (last message, unread count) and their sender's push name; a
// history sync brings thousands of messages of a few chats, so txn keeps
// those changes and writes each chat and contact once (flush) instead of
// once per message. Anything else that reads or writes chats or contacts
// flushes first (see apply), so the store ends as if every event had been
// applied one after the other.
type txn struct {
	tx *sql.Tx
	st *statements
	// bound are st's statements bound to tx, each bound on first use.
	bound map[*sql.Stmt]*sql.Stmt

	chats    map[chatKey]int // index in chatList
	chatList []chatTouch
	names    map[chatKey]int // index in nameList
	nameList []pushName
}

// chatKey names a chat or a contact of a session.
type chatKey struct{ session, jid string }

// chatTouch is what a transaction's messages change of one chat: the
// unread messages they add, and the newest of them as the last message.
type chatTouch struct {
	chatKey
	isGroup bool // of the first message, which creates the chat
	unread  int
	preview string
	time    int64 // Unix nanoseconds
	id      string
}

// pushName is the newest push name a transaction's messages gave a JID.
type pushName struct {
	chatKey
	name string
}

// begin starts a projector transaction on the write pool.
func (s *Store) begin(ctx context.Context) (*txn, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("beginning transaction: %w", err)
	}
	return &txn{tx: tx, st: s.st, bound: map[*sql.Stmt]*sql.Stmt{}, chats: map[chatKey]int{}, names: map[chatKey]int{}}, nil
}

// commit writes what is kept and commits.
func (t *txn) commit(ctx context.Context) error {
	if err := t.flush(ctx); err != nil {
		return err
	}
	return t.tx.Commit()
}

// rollback ends an uncommitted transaction (after commit it does nothing).
func (t *txn) rollback() { _ = t.tx.Rollback() }

// bind is s bound to the transaction. database/sql reuses the statement
// prepared on the transaction's connection; binding once per transaction
// spares the lookup and allocation on every event.
func (t *txn) bind(ctx context.Context, s *sql.Stmt) *sql.Stmt {
	b, ok := t.bound[s]
	if !ok {
		b = t.tx.StmtContext(ctx, s)
		t.bound[s] = b
	}
	return b
}

// touchChat keeps that m is in its chat: unread more unread messages, and
// m the last message unless the chat has a newer one. At the same time
// the later message wins, as the SQL does (sqlTouchChat).
func (t *txn) touchChat(session string, m messageData, unread int) {
	k := chatKey{session, m.Chat.JID}
	i, ok := t.chats[k]
	if !ok {
		i = len(t.chatList)
		t.chats[k] = i
		t.chatList = append(t.chatList, chatTouch{chatKey: k, isGroup: m.IsGroup || isGroupJID(m.Chat.JID), time: m.Timestamp.UnixNano()})
	}
	c := &t.chatList[i]
	c.unread += unread
	if ts := m.Timestamp.UnixNano(); ts >= c.time {
		c.preview, c.time, c.id = preview(m), ts, m.ID
	}
}

// namePushed keeps name as the push name of every form of who's JID.
func (t *txn) namePushed(session string, jids []string, name string) {
	for _, jid := range jids {
		k := chatKey{session, jid}
		if i, ok := t.names[k]; ok {
			t.nameList[i].name = name
			continue
		}
		t.names[k] = len(t.nameList)
		t.nameList = append(t.nameList, pushName{chatKey: k, name: name})
	}
}

// flush writes the kept chat and contact changes, in the order the chats
// and contacts first appeared.
func (t *txn) flush(ctx context.Context) error {
	if len(t.chatList) > 0 {
		touch := t.bind(ctx, t.st.touchChat)
		for _, c := range t.chatList {
			if _, err := touch.ExecContext(ctx, c.session, c.jid, boolInt(c.isGroup), c.unread,
				c.preview, c.time, c.id); err != nil {
				return fmt.Errorf("updating chat %s for message %s: %w", c.jid, c.id, err)
			}
		}
		t.chatList = t.chatList[:0]
		clear(t.chats)
	}
	for _, n := range t.nameList {
		if err := t.upsertContact(ctx, n.session, n.jid, contactNames{push: n.name}); err != nil {
			return err
		}
	}
	t.nameList = t.nameList[:0]
	clear(t.names)
	return nil
}
