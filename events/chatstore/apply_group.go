package chatstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/wabridge/wabridge/events"
)

// applyGroupJoined keeps the group's state as WhatsApp sent it when this
// account came in: its settings, its members (replacing any kept from an
// earlier membership) and its name as the chat's.
func applyGroupJoined(ctx context.Context, t *txn, e applied) error {
	var j events.GroupJoined
	if err := decode(e, &j); err != nil {
		return err
	}
	g := j.Group
	jid := g.JID.JID
	if jid == "" {
		return fmt.Errorf("%w: %s %s has no group", errBadEvent, e.Type, e.ID)
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO groups
		(session, jid, name, topic, announce, locked, ephemeral_seconds, join_approval)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (session, jid) DO UPDATE SET name = excluded.name, topic = excluded.topic,
			announce = excluded.announce, locked = excluded.locked,
			ephemeral_seconds = excluded.ephemeral_seconds, join_approval = excluded.join_approval`,
		e.Session, jid, g.Name, g.Topic, boolInt(g.Announce), boolInt(g.Locked), int64(g.EphemeralSeconds), boolInt(g.JoinApproval)); err != nil {
		return fmt.Errorf("keeping group %s: %w", jid, err)
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM group_members WHERE session = $1 AND group_jid = $2`, e.Session, jid); err != nil {
		return fmt.Errorf("replacing members of group %s: %w", jid, err)
	}
	for _, m := range g.Participants {
		if err := t.putMember(ctx, e.Session, jid, m.JID, m.IsAdmin, m.IsSuperAdmin); err != nil {
			return err
		}
	}
	return t.nameGroupChat(ctx, e.Session, jid, g.Name)
}

// applyGroupUpdated sets the settings that changed; the others stay.
func applyGroupUpdated(ctx context.Context, t *txn, e applied) error {
	var u events.GroupUpdated
	if err := decode(e, &u); err != nil {
		return err
	}
	jid := u.Group.JID
	if jid == "" {
		return fmt.Errorf("%w: %s %s has no group", errBadEvent, e.Type, e.ID)
	}
	if err := t.ensureGroup(ctx, e.Session, jid); err != nil {
		return err
	}
	sets, args := groupChanges(u)
	if len(sets) > 0 {
		args = append(args, e.Session, jid)
		q := fmt.Sprintf(`UPDATE groups SET %s WHERE session = $%d AND jid = $%d`,
			strings.Join(sets, ", "), len(args)-1, len(args))
		if _, err := t.tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("updating group %s: %w", jid, err)
		}
	}
	if u.Name == nil {
		return nil
	}
	return t.nameGroupChat(ctx, e.Session, jid, *u.Name)
}

// groupChanges are the SET clauses (numbered from $1) and their arguments.
func groupChanges(u events.GroupUpdated) (sets []string, args []any) {
	set := func(column string, arg any) {
		args = append(args, arg)
		sets = append(sets, fmt.Sprintf("%s = $%d", column, len(args)))
	}
	if u.Name != nil {
		set("name", *u.Name)
	}
	if u.Topic != nil {
		set("topic", u.Topic.Text) // empty when deleted
	}
	if u.Announce != nil {
		set("announce", boolInt(*u.Announce))
	}
	if u.Locked != nil {
		set("locked", boolInt(*u.Locked))
	}
	if u.EphemeralSeconds != nil {
		set("ephemeral_seconds", int64(*u.EphemeralSeconds))
	}
	if u.JoinApproval != nil {
		set("join_approval", boolInt(*u.JoinApproval))
	}
	if u.Photo != nil {
		set("picture_id", u.Photo.PictureID) // empty when removed
	}
	return sets, args
}

// applyParticipantsChanged adds, removes, promotes or demotes members.
func applyParticipantsChanged(ctx context.Context, t *txn, e applied) error {
	var c events.GroupParticipantsChanged
	if err := decode(e, &c); err != nil {
		return err
	}
	jid := c.Group.JID
	if jid == "" {
		return fmt.Errorf("%w: %s %s has no group", errBadEvent, e.Type, e.ID)
	}
	if err := t.ensureGroup(ctx, e.Session, jid); err != nil {
		return err
	}
	for _, p := range c.Participants {
		if err := t.changeMember(ctx, e.Session, jid, c.Action, p); err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) changeMember(ctx context.Context, session, group, action string, p events.JID) error {
	switch action {
	case events.ParticipantsAdded:
		if known, err := t.memberKnown(ctx, session, group, p); err != nil || known {
			return err // added again: the flags it has stay
		}
		return t.putMember(ctx, session, group, p, false, false)
	case events.ParticipantsRemoved, events.ParticipantsLeft:
		return t.execMember(ctx, `DELETE FROM group_members`, session, group, p)
	case events.ParticipantsPromoted:
		return t.setAdmin(ctx, session, group, p, true)
	case events.ParticipantsDemoted:
		return t.setAdmin(ctx, session, group, p, false)
	}
	return nil // an action of a later version: nothing known to change
}

// setAdmin sets a member's admin flag. One the store has not seen added
// (it began after they joined) is a member all the same: kept with it.
func (t *txn) setAdmin(ctx context.Context, session, group string, p events.JID, admin bool) error {
	known, err := t.memberKnown(ctx, session, group, p)
	if err != nil {
		return err
	}
	if !known {
		return t.putMember(ctx, session, group, p, admin, false)
	}
	if admin {
		return t.execMember(ctx, `UPDATE group_members SET is_admin = 1`, session, group, p)
	}
	return t.execMember(ctx, `UPDATE group_members SET is_admin = 0, is_super_admin = 0`, session, group, p)
}

// memberMatch finds a member's row by any of p's forms ($3 to $5).
const memberMatch = ` WHERE session = $1 AND group_jid = $2 AND
	(member IN ($3, $4, $5) OR pn IN ($3, $4, $5) OR lid IN ($3, $4, $5))`

// memberArgs are p's forms for memberMatch; a missing form repeats the
// primary one, so "" never matches a row without that form.
func memberArgs(session, group string, p events.JID) []any {
	pn, lid := p.PN, p.LID
	if pn == "" {
		pn = p.JID
	}
	if lid == "" {
		lid = p.JID
	}
	return []any{session, group, p.JID, pn, lid}
}

func (t *txn) execMember(ctx context.Context, stmt, session, group string, p events.JID) error {
	if _, err := t.tx.ExecContext(ctx, stmt+memberMatch, memberArgs(session, group, p)...); err != nil {
		return fmt.Errorf("changing member %s of group %s: %w", p.JID, group, err)
	}
	return nil
}

func (t *txn) memberKnown(ctx context.Context, session, group string, p events.JID) (bool, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM group_members`+memberMatch,
		memberArgs(session, group, p)...).Scan(&n); err != nil {
		return false, fmt.Errorf("looking up member %s of group %s: %w", p.JID, group, err)
	}
	return n > 0, nil
}

func (t *txn) putMember(ctx context.Context, session, group string, p events.JID, admin, superAdmin bool) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO group_members
		(session, group_jid, member, pn, lid, is_admin, is_super_admin) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (session, group_jid, member) DO UPDATE SET pn = excluded.pn, lid = excluded.lid,
			is_admin = excluded.is_admin, is_super_admin = excluded.is_super_admin`,
		session, group, p.JID, p.PN, p.LID, boolInt(admin || superAdmin), boolInt(superAdmin)); err != nil {
		return fmt.Errorf("keeping member %s of group %s: %w", p.JID, group, err)
	}
	return nil
}

// ensureGroup makes the group's row, for a change of a group this store
// has not seen joined (the store began after the join).
func (t *txn) ensureGroup(ctx context.Context, session, jid string) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO groups (session, jid) VALUES ($1, $2)
		ON CONFLICT (session, jid) DO NOTHING`, session, jid); err != nil {
		return fmt.Errorf("creating group %s: %w", jid, err)
	}
	return nil
}

// nameGroupChat gives the group's chat its name, creating the chat: GET
// /chats lists a group this account is in, named, before any message.
func (t *txn) nameGroupChat(ctx context.Context, session, jid, name string) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO chats (session, jid, name, is_group) VALUES ($1, $2, $3, 1)
		ON CONFLICT (session, jid) DO UPDATE SET name = excluded.name`, session, jid, name); err != nil {
		return fmt.Errorf("naming group chat %s: %w", jid, err)
	}
	return nil
}
