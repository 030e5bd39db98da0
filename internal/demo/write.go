package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/journal"
	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
)

// rowChunk is how many generated rows are held before they are written.
const rowChunk = 2000

// writeInstitutions gives the institution tree its IDs and paths (parents
// before children) and writes it; it returns the institutions in order.
func (w *world) writeInstitutions(ctx context.Context, q *store.Q) ([]*space.Space, error) {
	type node struct{ sp, parent *space.Space }
	nodes := []node{{w.region, nil}}
	for _, d := range w.districts {
		nodes = append(nodes, node{d.space, w.region})
	}
	for _, s := range w.schools {
		nodes = append(nodes, node{s.space, w.districts[s.district].space})
	}
	for _, s := range w.schools {
		for _, g := range s.groups {
			nodes = append(nodes, node{g, s.space})
		}
	}
	first, err := q.ReserveIDs(ctx, "spaces", len(nodes))
	if err != nil {
		return nil, err
	}
	all := make([]*space.Space, len(nodes))
	for i, n := range nodes {
		n.sp.ID = first + int64(i)
		parentPath := ""
		if n.parent != nil {
			n.sp.ParentID, parentPath = n.parent.ID, n.parent.Path
		}
		n.sp.Path = space.ChildPath(parentPath, n.sp.ID)
		all[i] = n.sp
	}
	if err := q.BulkInsertSpaces(ctx, all); err != nil {
		return nil, fmt.Errorf("write institutions: %w", err)
	}
	return all, nil
}

// home returns the ID of a person's home institution: their school, their
// district, the region for its administrator, none for the platform admin.
func (w *world) home(p *person) int64 {
	switch {
	case p.school >= 0:
		return w.schools[p.school].space.ID
	case p.district >= 0:
		return w.districts[p.district].space.ID
	case p.user.Role == account.Admin:
		return 0
	}
	return w.region.ID
}

// writePeople writes the accounts with their personal spaces and
// memberships, then their teaching-research group memberships.
func (w *world) writePeople(ctx context.Context, q *store.Q, hash string) error {
	for i := 0; i < len(w.people); i += rowChunk {
		chunk := w.people[i:min(i+rowChunk, len(w.people))]
		users := make([]*account.User, len(chunk))
		for j, p := range chunk {
			p.user.InstitutionID = w.home(p)
			users[j] = &p.user
		}
		if err := q.BulkInsertUsers(ctx, users, hash); err != nil {
			return fmt.Errorf("write people: %w", err)
		}
		var groups []store.MemberRow
		for _, p := range chunk {
			if p.school < 0 || p.group < 0 {
				continue
			}
			g := w.schools[p.school].groups[p.group]
			groups = append(groups, store.MemberRow{SpaceID: g.ID, UserID: p.user.ID, Role: space.RoleMember,
				SortName: w.sortKey(p.user.Name()), JoinedAt: p.user.CreatedAt})
		}
		if err := q.BulkAddMembers(ctx, groups); err != nil {
			return fmt.Errorf("write group members: %w", err)
		}
	}
	return nil
}

// sortKey caches store.SortKey: a district has many 王伟 and 张静.
func (w *world) sortKey(name string) string {
	k, ok := w.keys[name]
	if !ok {
		k = store.SortKey(name)
		w.keys[name] = k
	}
	return k
}

// entryContext is what an entry's text is about: its author's subject and
// stage, a colleague and the author's group.
func (w *world) entryContext(r *rand.Rand, p *person) textContext {
	stage, group, place := p.stage, "教研组", w.districtLabel(p.district)
	if stage == "" {
		stage = p.user.GradeBand
	}
	if stage == "" {
		stage = stagePrimary
	}
	colleague := w.names.surname(r)
	if p.school >= 0 {
		s := w.schools[p.school]
		place = s.space.Name
		if p.group >= 0 {
			group = s.defs[p.group].name
		}
		if c := w.people[pick(r, s.staff)]; c != p {
			colleague = c.surname
		}
	}
	return newTextContext(r, p.subject(), stage, colleague, group, place)
}

// writeEntries composes, renders and writes the journal entries in the
// order they were written, so IDs grow with time.
func (w *world) writeEntries(ctx context.Context, q *store.Q) error {
	if len(w.entries) == 0 {
		return nil
	}
	first, err := q.ReserveIDs(ctx, "journal_entries", len(w.entries))
	if err != nil {
		return err
	}
	md := markup.New()
	rows := make([]*journal.Entry, 0, rowChunk)
	for i, e := range w.entries {
		e.id = first + int64(i)
		p := w.people[e.author]
		r := w.rng(rngEntryText, e.seed)
		title, body := entryText(r, w.entryContext(r, p))
		html, err := md.Render(body)
		if err != nil {
			return fmt.Errorf("render entry %d: %w", e.id, err)
		}
		e.title = title
		je := &journal.Entry{ID: e.id, AuthorID: p.user.ID, SpaceID: p.user.PersonalSpaceID, Title: title, Body: body,
			BodyHTML: string(html), Visibility: e.vis, Status: journal.Draft, CommentCount: e.comments,
			CreatedAt: e.created, UpdatedAt: e.created}
		if !e.draft() {
			pub := e.published
			je.Status, je.PublishedAt, je.UpdatedAt = journal.Published, &pub, pub
		} else if !e.updated.IsZero() {
			je.UpdatedAt = e.updated
		}
		rows = append(rows, je)
		if len(rows) == rowChunk || i == len(w.entries)-1 {
			if err := q.BulkInsertEntries(ctx, rows); err != nil {
				return fmt.Errorf("write entries: %w", err)
			}
			rows = rows[:0]
		}
	}
	w.log("journal entries: %d", len(w.entries))
	return nil
}

// writeComments writes the comments oldest first.
func (w *world) writeComments(ctx context.Context, q *store.Q) error {
	if len(w.comments) == 0 {
		return nil
	}
	first, err := q.ReserveIDs(ctx, "journal_comments", len(w.comments))
	if err != nil {
		return err
	}
	md := markup.New()
	rendered := map[string]string{} // comments repeat; render each text once
	rows := make([]*journal.Comment, 0, rowChunk)
	for i, c := range w.comments {
		c.id = first + int64(i)
		e := w.entries[c.entry]
		r := w.rng(rngCommentText, c.seed)
		body := commentText(r, w.people[e.author].surname, pick(r, themes))
		html, ok := rendered[body]
		if !ok {
			h, err := md.Render(body)
			if err != nil {
				return fmt.Errorf("render comment: %w", err)
			}
			html = string(h)
			rendered[body] = html
		}
		rows = append(rows, &journal.Comment{ID: c.id, EntryID: e.id, AuthorID: w.people[c.author].user.ID,
			Body: body, BodyHTML: html, CreatedAt: c.at})
		if len(rows) == rowChunk || i == len(w.comments)-1 {
			if err := q.BulkInsertComments(ctx, rows); err != nil {
				return fmt.Errorf("write comments: %w", err)
			}
			rows = rows[:0]
		}
	}
	w.log("comments: %d", len(w.comments))
	return nil
}

// writeFollows writes who follows whom.
func (w *world) writeFollows(ctx context.Context, q *store.Q) error {
	rows := make([]store.FollowRow, 0, len(w.follows))
	for _, f := range w.follows {
		rows = append(rows, store.FollowRow{FollowerID: w.people[f.from].user.ID, FolloweeID: w.people[f.to].user.ID, At: f.at})
	}
	if err := q.BulkInsertFollows(ctx, rows); err != nil {
		return fmt.Errorf("write follows: %w", err)
	}
	w.log("follows: %d", len(rows))
	return nil
}

// writeNotices composes and writes the announcements.
func (w *world) writeNotices(ctx context.Context, q *store.Q) error {
	if len(w.notices) == 0 {
		return nil
	}
	first, err := q.ReserveIDs(ctx, "announcements", len(w.notices))
	if err != nil {
		return err
	}
	md := markup.New()
	rows := make([]*store.Announcement, 0, len(w.notices))
	for i, n := range w.notices {
		n.id = first + int64(i)
		r := w.rng(rngNoticeText, n.seed)
		title, body := announcementText(r, n.district, n.group)
		html, err := md.Render(body)
		if err != nil {
			return fmt.Errorf("render announcement: %w", err)
		}
		n.title = title
		a := w.people[n.author]
		rows = append(rows, &store.Announcement{ID: n.id, SpaceID: n.space.ID, AuthorID: a.user.ID, AuthorName: a.user.Name(),
			Title: title, Body: body, BodyHTML: string(html), CreatedAt: n.at})
	}
	if err := q.BulkInsertAnnouncements(ctx, rows); err != nil {
		return fmt.Errorf("write announcements: %w", err)
	}
	w.log("announcements: %d", len(rows))
	return nil
}
