// Package chatview is the read model of chats and messages as the commands
// chat.list and chat.messages answer them: plain types, the queries, the
// Reader port the store implements, and the opaque paging cursor.
//
// It holds no SQL and no NATS: the store (events/chatstore) fills these
// types, the commands only read them through Reader.
package chatview
