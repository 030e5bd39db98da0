package demo_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestSeededCommunitiesMatchService replays, through the service on the
// seeded district, what the demo wrote in bulk: the same reply (with its
// @mention, parent and quote) and the same topic by the same people, a
// like, an expert answer, an open join, a request and its approval, an
// invitation, theme proposals, a vote and an adoption, a board and a pin.
// The service's HTML must equal the demo's, and every kind of event and
// notification the demo wrote must have the shape the service gives it:
// the same context keys and value types, attributed to the same
// institution (the actor's, the community's or the new member's), with
// titles and links of the same form.
func TestSeededCommunitiesMatchService(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db, url := e.Open(t)
			raw := openRaw(t, url)
			seedSmall(t, db, 1)
			ctx := context.Background()
			svc := newService(db)
			user := func(name string) *account.User {
				u, err := svc.UserByUsername(ctx, name)
				if err != nil {
					t.Fatalf("user %s: %v", name, err)
				}
				return u
			}
			byID := func(id int64) *account.User {
				u, err := db.R().UserByID(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				return u
			}
			id := func(query string, args ...any) int64 {
				var v int64
				if err := raw.QueryRow(query, args...).Scan(&v); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
				return v
			}
			// The district-wide communities: dw0 takes requests and has a
			// principal of a school as co-host, dw1 is open.
			dw0 := id(`SELECT c.space_id FROM communities c JOIN spaces i ON i.id = c.institution_id
				WHERE i.level = 'district' AND c.join_policy = 'request'`)
			dw1 := id(`SELECT c.space_id FROM communities c JOIN spaces i ON i.id = c.institution_id
				WHERE i.level = 'district' AND c.join_policy = 'open'`)
			host, cohost, teacher := user("district"), user("school"), user("teacher")

			// The same reply by the same author, with its mention and parent.
			var rid, topicID, authorID, parentID int64
			var body, html string
			if err := raw.QueryRow(`SELECT r.id, r.topic_id, r.author_id, r.parent_id, r.body, r.body_html FROM replies r
				WHERE r.space_id = $1 AND r.body LIKE '@%' AND r.parent_id IS NOT NULL ORDER BY r.id LIMIT 1`, dw0).
				Scan(&rid, &topicID, &authorID, &parentID, &body, &html); err != nil {
				t.Fatal(err)
			}
			rp, err := svc.Reply(ctx, byID(authorID), topicID, discussion.ReplyInput{Body: body, ParentID: parentID}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rp.BodyHTML != html || rp.Depth != int(id(`SELECT depth FROM replies WHERE id = $1`, rid)) {
				t.Errorf("reply HTML:\ndemo    %q\nservice %q", html, rp.BodyHTML)
			}
			// A quote's excerpt.
			var quoteOf int64
			var excerpt string
			if err := raw.QueryRow(`SELECT r.topic_id, r.author_id, r.quote_of, r.quote_excerpt, r.body FROM replies r
				JOIN communities c ON c.space_id = r.space_id WHERE r.quote_of IS NOT NULL AND c.status = 'active' ORDER BY r.id LIMIT 1`).
				Scan(&topicID, &authorID, &quoteOf, &excerpt, &body); err != nil {
				t.Fatal(err)
			}
			if rp, err := svc.Reply(ctx, byID(authorID), topicID, discussion.ReplyInput{Body: body, QuoteOf: quoteOf}, nil); err != nil ||
				rp.QuoteExcerpt != excerpt {
				t.Errorf("quote excerpt: demo %q, service %+v (%v)", excerpt, rp, err)
			}
			// The same welcome topic, with its @mention of the expert.
			var title string
			if err := raw.QueryRow(`SELECT title, body, body_html FROM topics WHERE space_id = $1 AND pinned ORDER BY id LIMIT 1`, dw0).
				Scan(&title, &body, &html); err != nil {
				t.Fatal(err)
			}
			tp, err := svc.CreateTopic(ctx, host, dw0, discussion.TopicInput{Title: title, Body: body}, nil)
			if err != nil || tp.BodyHTML != html {
				t.Errorf("topic HTML:\ndemo    %q\nservice %+v (%v)", html, tp, err)
			}
			// A like taken back and given again; an expert answer marked by the co-host.
			var likedReply, liker int64
			if err := raw.QueryRow(`SELECT l.reply_id, l.user_id FROM reply_likes l JOIN replies r ON r.id = l.reply_id
				WHERE r.space_id = $1 ORDER BY l.reply_id LIMIT 1`, dw0).Scan(&likedReply, &liker); err != nil {
				t.Fatal(err)
			}
			must(t, func() error { _, err := svc.Unlike(ctx, byID(liker), likedReply); return err })
			must(t, func() error { _, err := svc.Like(ctx, byID(liker), likedReply); return err })
			must(t, func() error { return svc.MarkExpertAnswer(ctx, cohost, likedReply, true) })

			// Joining: openly, by a request the host approves, by invitation.
			outsiders := func(communityID int64) []*account.User {
				rows, err := raw.Query(`SELECT u.username FROM users u WHERE u.role = 'teacher' AND u.username NOT LIKE 'teacher%'
					AND NOT EXISTS (SELECT 1 FROM space_members m WHERE m.space_id = $1 AND m.user_id = u.id) ORDER BY u.id LIMIT 3`, communityID)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var out []*account.User
				for rows.Next() {
					var name string
					if err := rows.Scan(&name); err != nil {
						t.Fatal(err)
					}
					out = append(out, user(name))
				}
				return out
			}
			open, closed := outsiders(dw1), outsiders(dw0)
			must(t, func() error { _, err := svc.Join(ctx, open[0], dw1, ""); return err })
			must(t, func() error { _, err := svc.Join(ctx, closed[0], dw0, "希望加入，一起学习。"); return err })
			reqs, err := svc.JoinRequests(ctx, host, dw0)
			if err != nil || len(reqs) != 1 {
				t.Fatalf("pending requests: %v, %v", reqs, err)
			}
			must(t, func() error { return svc.DecideJoinRequest(ctx, host, dw0, reqs[0].ID, true, "") })
			must(t, func() error {
				_, err := svc.InviteByName(ctx, host, dw1, []string{open[1].Username}, community.RoleMember)
				return err
			})
			must(t, func() error { _, err := svc.Join(ctx, open[1], dw1, ""); return err })

			// Theme negotiation led by the co-host.
			var props []int64
			for _, ttl := range []string{"作业设计中的评价量规怎么设计（二）", "大单元教学中的学生自主学习（二）"} {
				p, err := svc.Propose(ctx, teacher, dw0, community.ProposalInput{Title: ttl, Problem: "课堂上的真实问题。"})
				if err != nil {
					t.Fatal(err)
				}
				props = append(props, p.ID)
			}
			must(t, func() error {
				_, err := svc.CommentOnProposal(ctx, closed[0], props[0], "赞成这个主题。")
				return err
			})
			rd, err := svc.OpenRound(ctx, cohost, dw0, community.RoundInput{Title: "下一阶段研修主题投票", ProposalIDs: props, Budget: 1,
				ClosesAt: now.AddDate(0, 0, 7)})
			if err != nil {
				t.Fatal(err)
			}
			must(t, func() error { return svc.Vote(ctx, teacher, rd.ID, props[:1]) })
			must(t, func() error { return svc.Adopt(ctx, cohost, dw0, props[:1], "采纳。") })
			// A board, a topic on it, pinned.
			b, err := svc.CreateBoard(ctx, cohost, dw0, discussion.BoardInput{Name: "课例分享"})
			if err != nil {
				t.Fatal(err)
			}
			tp, err = svc.CreateTopic(ctx, teacher, dw0, discussion.TopicInput{BoardID: b.ID, Title: "一节课的反思", Body: "请大家指点。"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			must(t, func() error { return svc.PinTopic(ctx, cohost, tp.ID, true) })

			compareEvents(t, raw)
			compareNotifications(t, raw)
		})
	}
}

func must(t *testing.T, fn func() error) {
	t.Helper()
	if err := fn(); err != nil {
		t.Fatal(err)
	}
}

// eventShape is what an event looks like apart from its particulars.
type eventShape struct {
	kind string // verb, object type and, for joins, the way in
	keys string // context keys with the JSON type of each value
	// inst is whose institution the event is attributed to: the actor's,
	// the community's or the new member's (when they differ).
	inst string
}

var eventShapeQuery = `SELECT e.verb, e.object_type, e.context, e.institution_id, COALESCE(a.institution_id, 0), c.institution_id
	FROM events e JOIN communities c ON c.space_id = e.space_id LEFT JOIN users a ON a.id = e.actor_id WHERE `

// eventShapes reads the shapes of the community events that match cond;
// inst holds every reading that fits, so an ambiguous event (actor and
// community in the same institution) fits more than one.
func eventShapes(t *testing.T, raw *sql.DB, cond string, args ...any) map[string][]eventShape {
	t.Helper()
	rows, err := raw.Query(eventShapeQuery+cond, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]eventShape{}
	for rows.Next() {
		var verb, obj, ctxJSON string
		var inst, actorInst, commInst int64
		if err := rows.Scan(&verb, &obj, &ctxJSON, &inst, &actorInst, &commInst); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(ctxJSON), &m); err != nil {
			t.Fatalf("context %s: %v", ctxJSON, err)
		}
		var keys []string
		for k, v := range m {
			keys = append(keys, fmt.Sprintf("%s:%T", k, v))
		}
		sort.Strings(keys)
		kind := verb + " " + obj
		if via, ok := m["via"].(string); ok {
			kind += " via " + via
		}
		var fits []string
		if inst == actorInst {
			fits = append(fits, "actor")
		}
		if inst == commInst {
			fits = append(fits, "community")
		}
		if member, ok := m["member"].(float64); ok {
			var memberInst int64
			if err := raw.QueryRow(`SELECT COALESCE(institution_id, 0) FROM users WHERE id = $1`, int64(member)).Scan(&memberInst); err != nil {
				t.Fatal(err)
			}
			if inst == memberInst {
				fits = append(fits, "member")
			}
		}
		out[kind] = append(out[kind], eventShape{kind: kind, keys: strings.Join(keys, ","), inst: strings.Join(fits, "+")})
	}
	return out
}

// compareEvents holds every seeded community event of a kind the service
// wrote just now to the service's shape.
func compareEvents(t *testing.T, raw *sql.DB) {
	t.Helper()
	fresh := eventShapes(t, raw, `e.at >= $1`, now.UnixMilli())
	seeded := eventShapes(t, raw, `e.at < $1`, now.UnixMilli())
	for _, kind := range []string{"replied reply", "created topic", "liked reply", "marked_expert_answer reply",
		"joined community via open", "joined community via request", "joined community via invitation", "requested community",
		"approved community", "invited community", "proposed theme_proposal", "commented theme_proposal",
		"round_opened vote_round", "voted vote_round", "adopted theme_proposal", "created board", "pinned topic"} {
		want := fresh[kind]
		if len(want) == 0 {
			t.Errorf("the service wrote no %q event", kind)
			continue
		}
		if len(seeded[kind]) == 0 {
			t.Errorf("the demo wrote no %q event", kind)
			continue
		}
		// The service's attribution, from an event where it is unambiguous.
		rule := ""
		for _, s := range want {
			if !strings.Contains(s.inst, "+") {
				rule = s.inst
			}
		}
		bad := 0
		for _, s := range seeded[kind] {
			if s.keys != want[0].keys || rule != "" && !slices.Contains(strings.Split(s.inst, "+"), rule) {
				if bad++; bad == 1 {
					t.Errorf("%s: demo event %+v, service %+v (rule %q)", kind, s, want[0], rule)
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d demo events differ from the service's", kind, bad, len(seeded[kind]))
		}
	}
}

var digits = regexp.MustCompile(`[0-9]+`)

// noteShape is what a notification looks like apart from its particulars:
// its kind and object, its link with numbers taken out, whether it has an
// actor, and what its title is.
func noteShape(kind, obj, url string, actor bool, title, commName, topicTitle, proposalTitle string) string {
	what := "other"
	switch title {
	case commName:
		what = "community"
	case topicTitle:
		what = "topic"
	case proposalTitle:
		what = "proposal"
	}
	return fmt.Sprintf("%s %s %s actor=%v title=%s", kind, obj, digits.ReplaceAllString(url, "N"), actor, what)
}

var noteShapeQuery = `SELECT n.kind, n.object_type, n.url, n.actor_id IS NOT NULL, n.title, s.name,
	COALESCE((SELECT t.title FROM topics t WHERE n.object_type = 'topic' AND t.id = n.object_id), (SELECT t.title FROM replies r
	JOIN topics t ON t.id = r.topic_id WHERE n.object_type = 'reply' AND r.id = n.object_id), ''),
	COALESCE((SELECT p.title FROM theme_proposals p WHERE n.object_type = 'theme_proposal' AND p.id = n.object_id), '')
	FROM notifications n JOIN spaces s ON s.id = n.space_id WHERE s.kind = 'community' AND `

func noteShapes(t *testing.T, raw *sql.DB, query string, args ...any) map[string]bool {
	t.Helper()
	rows, err := raw.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var kind, obj, url, title, comm, topic, proposal string
		var actor bool
		if err := rows.Scan(&kind, &obj, &url, &actor, &title, &comm, &topic, &proposal); err != nil {
			t.Fatal(err)
		}
		out[noteShape(kind, obj, url, actor, title, comm, topic, proposal)] = true
	}
	return out
}

// compareNotifications holds the demo's notifications to the shapes of the
// service's: those it wrote just now, and those its fan-out jobs will write.
func compareNotifications(t *testing.T, raw *sql.DB) {
	t.Helper()
	fresh := noteShapes(t, raw, noteShapeQuery+`n.created_at >= $1`, now.UnixMilli())
	// Fan-out jobs (a vote opened or closed, a theme adopted) run later;
	// their payload is the notification every member gets.
	rows, err := raw.Query(`SELECT payload FROM jobs WHERE kind = $1`, service.JobCommunityFanout)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var payload string
		if err := rows.Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var f struct {
			SpaceID    int64  `json:"space_id"`
			Kind       string `json:"kind"`
			ActorID    int64  `json:"actor_id"`
			ObjectType string `json:"object_type"`
			ObjectID   int64  `json:"object_id"`
			Title      string `json:"title"`
			URL        string `json:"url"`
		}
		if err := json.Unmarshal([]byte(payload), &f); err != nil {
			t.Fatal(err)
		}
		var comm, proposal string
		if err := raw.QueryRow(`SELECT name, COALESCE((SELECT title FROM theme_proposals WHERE id = $2 AND $3 = 'theme_proposal'), '')
			FROM spaces WHERE id = $1`, f.SpaceID, f.ObjectID, f.ObjectType).Scan(&comm, &proposal); err != nil {
			t.Fatal(err)
		}
		fresh[noteShape(f.Kind, f.ObjectType, f.URL, f.ActorID != 0, f.Title, comm, "", proposal)] = true
	}
	rows.Close()
	seeded := noteShapes(t, raw, noteShapeQuery+`n.created_at < $1`, now.UnixMilli())
	var missing []string
	for s := range seeded {
		if !fresh[s] {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Errorf("demo notifications the service would not write:\n%s\nservice:\n%v", strings.Join(missing, "\n"), fresh)
	}
	for _, kind := range []string{"reply", "mention", "join_request", "join_decision", "invitation", "vote_opened",
		"vote_closed", "theme_adopted"} {
		found := false
		for s := range seeded {
			found = found || strings.HasPrefix(s, kind+" ")
		}
		if !found {
			t.Errorf("the demo wrote no %s notification", kind)
		}
	}
}
