package chatstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatview"
)

// Group is a group as the store keeps it from the group events.
type Group struct {
	JID              string
	Name, Topic      string
	Announce, Locked bool
	EphemeralSeconds uint32
	JoinApproval     bool
	PictureID        string
	Members          []events.GroupMember // by JID
}

// Group answers the group jid of session; chatview.ErrChatNotFound when
// the store has no group events of it.
func (s *Store) Group(ctx context.Context, session, jid string) (Group, error) {
	g := Group{JID: jid}
	var announce, locked, approval int
	var timer int64
	err := s.r.QueryRowContext(ctx, `SELECT name, topic, announce, locked, ephemeral_seconds, join_approval, picture_id
		FROM groups WHERE session = $1 AND jid = $2`, session, jid).
		Scan(&g.Name, &g.Topic, &announce, &locked, &timer, &approval, &g.PictureID)
	if errors.Is(err, sql.ErrNoRows) {
		return Group{}, chatview.ErrChatNotFound
	}
	if err != nil {
		return Group{}, fmt.Errorf("reading group %s: %w", jid, err)
	}
	g.Announce, g.Locked, g.JoinApproval, g.EphemeralSeconds = announce != 0, locked != 0, approval != 0, uint32(timer)
	g.Members, err = s.groupMembers(ctx, session, jid)
	return g, err
}

func (s *Store) groupMembers(ctx context.Context, session, jid string) ([]events.GroupMember, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT member, pn, lid, is_admin, is_super_admin
		FROM group_members WHERE session = $1 AND group_jid = $2 ORDER BY member`, session, jid)
	if err != nil {
		return nil, fmt.Errorf("reading members of group %s: %w", jid, err)
	}
	defer rows.Close()
	var out []events.GroupMember
	for rows.Next() {
		var m events.GroupMember
		var admin, super int
		if err := rows.Scan(&m.JID.JID, &m.JID.PN, &m.JID.LID, &admin, &super); err != nil {
			return nil, fmt.Errorf("reading members of group %s: %w", jid, err)
		}
		m.IsAdmin, m.IsSuperAdmin = admin != 0, super != 0
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading members of group %s: %w", jid, err)
	}
	return out, nil
}
