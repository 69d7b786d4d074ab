package msgid_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/msgid"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		fromMe   bool
		chat, id string
		want     string
	}{
		{false, "120363028461234567@g.us", "3EB0C767", "false_120363028461234567@g.us_3EB0C767"},
		{true, "4917612345678@s.whatsapp.net", "3EB0AB", "true_4917612345678@s.whatsapp.net_3EB0AB"},
		{false, "123456789012345@lid", "ABC", "false_123456789012345@lid_ABC"},
	}
	for _, tt := range tests {
		if got := msgid.Format(tt.fromMe, tt.chat, tt.id); got != tt.want {
			t.Errorf("Format(%v, %q, %q) = %q, want %q", tt.fromMe, tt.chat, tt.id, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in       string
		fromMe   bool
		chat, id string
		wantErr  bool
	}{
		{in: "false_120363xxx@g.us_3EB0C767", chat: "120363xxx@g.us", id: "3EB0C767"},
		{in: "true_4917612345678@s.whatsapp.net_3EB0AB12", fromMe: true, chat: "4917612345678@s.whatsapp.net", id: "3EB0AB12"},
		{in: "false_4917612345678-1500000000@g.us_ABCDEF", chat: "4917612345678-1500000000@g.us", id: "ABCDEF"},
		{in: "false_4917612345678:12@s.whatsapp.net_X1", chat: "4917612345678:12@s.whatsapp.net", id: "X1"},
		{in: "false_123456789012345@lid_3A0F", chat: "123456789012345@lid", id: "3A0F"},
		// the chat keeps anything between the first and the last '_'
		{in: "true_odd_user@s.whatsapp.net_ID9", fromMe: true, chat: "odd_user@s.whatsapp.net", id: "ID9"},
		{in: "3EB0C767", id: "3EB0C767"},
		{in: "7216430917354373120", id: "7216430917354373120"},
		{in: "", wantErr: true},
		{in: "false_", wantErr: true},
		{in: "false__3EB0", wantErr: true},
		{in: "false_chat_3EB0", wantErr: true},                    // chat is no JID
		{in: "true_4917612345678@s.whatsapp.net_", wantErr: true}, // empty id
		{in: "true_4917612345678@s.whatsapp.net", wantErr: true},  // no id
		{in: "maybe_4917612345678@s.whatsapp.net_ABC", wantErr: true},
		{in: "3EB0 C767", wantErr: true},
		{in: "3EB0@C767", wantErr: true},
		{in: "false_a@b@c_ID", wantErr: true},
		{in: "false_a b@g.us_ID", wantErr: true},
		{in: strings.Repeat("A", msgid.MaxLen+1), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			fromMe, chat, id, err := msgid.Parse(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Parse(%q) = (%v, %q, %q), want error", tt.in, fromMe, chat, id)
				}
				if !errors.Is(err, msgid.ErrInvalid) {
					t.Fatalf("Parse(%q) error %v does not wrap ErrInvalid", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if fromMe != tt.fromMe || chat != tt.chat || id != tt.id {
				t.Fatalf("Parse(%q) = (%v, %q, %q), want (%v, %q, %q)", tt.in, fromMe, chat, id, tt.fromMe, tt.chat, tt.id)
			}
		})
	}
}

// FuzzParse checks that whatever Parse accepts round-trips through Format.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"false_120363xxx@g.us_3EB0C767",
		"true_4917612345678@s.whatsapp.net_3EB0AB12",
		"3EB0C767",
		"false__",
		"true_a_b_c@lid_ID",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fromMe, chat, id, err := msgid.Parse(s)
		if err != nil {
			return
		}
		if id == "" || strings.ContainsAny(id, "_@ ") {
			t.Fatalf("Parse(%q) gave id %q", s, id)
		}
		if chat == "" {
			if id != s {
				t.Fatalf("bare Parse(%q) gave id %q", s, id)
			}
			return
		}
		if got := msgid.Format(fromMe, chat, id); got != s {
			t.Fatalf("Format(Parse(%q)) = %q", s, got)
		}
	})
}
