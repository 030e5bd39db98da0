package demo_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/demo"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestSeedCommunities seeds the small district on every engine and holds
// its communities to the rules the services enforce, and to the counters
// the services keep.
func TestSeedCommunities(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		res := seedSmall(t, db, 1)
		if res.Communities != 10 || res.Replies != 1200 || res.Topics < 30 || res.Memberships < 100 ||
			res.Rounds != res.Communities || res.Proposals < 2*res.Communities || res.Ballots == 0 || res.Likes == 0 ||
			res.Notifications == 0 {
			t.Errorf("community counts: %+v", *res)
		}
		checkCommunityRules(t, db, res)
		checkCommunityLogins(t, db)
	})
}

// violations are queries that count rows breaking a rule; each must be 0.
var violations = []struct{ rule, query string }{
	// Members only post, propose, comment, like and vote in their
	// communities, after joining.
	{"topic by a non-member", `SELECT count(*) FROM topics t WHERE NOT EXISTS (SELECT 1 FROM space_members m
		WHERE m.space_id = t.space_id AND m.user_id = t.author_id AND m.joined_at <= t.created_at)`},
	{"reply by a non-member", `SELECT count(*) FROM replies r WHERE NOT EXISTS (SELECT 1 FROM space_members m
		WHERE m.space_id = r.space_id AND m.user_id = r.author_id AND m.joined_at <= r.created_at)`},
	{"proposal by a non-member", `SELECT count(*) FROM theme_proposals p WHERE NOT EXISTS (SELECT 1 FROM space_members m
		WHERE m.space_id = p.space_id AND m.user_id = p.author_id AND m.joined_at <= p.created_at)`},
	{"proposal comment by a non-member", `SELECT count(*) FROM proposal_comments c JOIN theme_proposals p ON p.id = c.proposal_id
		WHERE NOT EXISTS (SELECT 1 FROM space_members m WHERE m.space_id = p.space_id AND m.user_id = c.author_id
		AND m.joined_at <= c.created_at) OR c.created_at < p.created_at`},
	{"like by a non-member, of one's own reply, or before the reply", `SELECT count(*) FROM reply_likes l JOIN replies r ON r.id = l.reply_id
		WHERE l.user_id = r.author_id OR l.created_at < r.created_at OR NOT EXISTS (SELECT 1 FROM space_members m
		WHERE m.space_id = r.space_id AND m.user_id = l.user_id AND m.joined_at <= l.created_at)`},
	{"voter who is not a member", `SELECT count(*) FROM vote_participants v JOIN vote_rounds r ON r.id = v.round_id
		WHERE NOT EXISTS (SELECT 1 FROM space_members m WHERE m.space_id = r.space_id AND m.user_id = v.user_id
		AND m.joined_at < r.closes_at)`},
	{"mention of a non-member", `SELECT count(*) FROM mentions x WHERE NOT EXISTS (SELECT 1 FROM space_members m
		WHERE m.space_id = x.space_id AND m.user_id = x.user_id)`},
	// Counters equal the rows they count.
	{"member count", `SELECT count(*) FROM communities c JOIN spaces s ON s.id = c.space_id
		WHERE s.member_count <> (SELECT count(*) FROM space_members m WHERE m.space_id = s.id)`},
	{"reply count", `SELECT count(*) FROM topics t WHERE t.reply_count <> (SELECT count(*) FROM replies r WHERE r.topic_id = t.id)`},
	{"last reply", `SELECT count(*) FROM topics t JOIN replies r ON r.id = (SELECT max(id) FROM replies x WHERE x.topic_id = t.id)
		WHERE t.last_reply_at <> r.created_at OR t.last_reply_by <> r.author_id`},
	{"like count", `SELECT count(*) FROM replies r WHERE r.like_count <> (SELECT count(*) FROM reply_likes l WHERE l.reply_id = r.id)`},
	{"proposal comment count", `SELECT count(*) FROM theme_proposals p
		WHERE p.comment_count <> (SELECT count(*) FROM proposal_comments c WHERE c.proposal_id = p.id)`},
	{"voter count", `SELECT count(*) FROM vote_rounds r WHERE r.voter_count <> (SELECT count(*) FROM vote_participants v WHERE v.round_id = r.id)`},
	// Tallies equal the votes of named rounds; secret rounds keep none.
	{"tally of a named round", `SELECT count(*) FROM vote_options o JOIN vote_rounds r ON r.id = o.round_id
		WHERE NOT r.secret AND o.tally <> (SELECT count(*) FROM votes v WHERE v.round_id = o.round_id AND v.proposal_id = o.proposal_id)`},
	{"votes kept for a secret round", `SELECT count(*) FROM votes v JOIN vote_rounds r ON r.id = v.round_id WHERE r.secret`},
	{"ballot over budget or empty", `SELECT count(*) FROM vote_participants p JOIN vote_rounds r ON r.id = p.round_id WHERE NOT r.secret
		AND (SELECT count(*) FROM votes v WHERE v.round_id = p.round_id AND v.user_id = p.user_id) NOT BETWEEN 1 AND r.budget`},
	{"tallies over what the voters could give", `SELECT count(*) FROM vote_rounds r
		WHERE (SELECT sum(tally) FROM vote_options o WHERE o.round_id = r.id) NOT BETWEEN r.voter_count AND r.voter_count * r.budget`},
	{"round still open", `SELECT count(*) FROM vote_rounds WHERE closes_at >= $1`},
	{"option from another community", `SELECT count(*) FROM vote_options o JOIN vote_rounds r ON r.id = o.round_id
		JOIN theme_proposals p ON p.id = o.proposal_id WHERE p.space_id <> r.space_id OR p.created_at > r.created_at`},
	// Adoption: by a host, with a note, after the vote closed.
	{"adoption", `SELECT count(*) FROM theme_proposals p JOIN vote_rounds r ON r.space_id = p.space_id
		WHERE p.status = 'adopted' AND (p.decision_note = '' OR p.decided_at < r.closes_at OR NOT EXISTS (SELECT 1 FROM space_members m
		WHERE m.space_id = p.space_id AND m.user_id = p.decided_by AND m.role = 'host'))`},
	{"community without an adopted theme", `SELECT count(*) FROM communities c WHERE NOT EXISTS (SELECT 1 FROM theme_proposals p
		WHERE p.space_id = c.space_id AND p.status = 'adopted')`},
	{"community without exactly one round", `SELECT count(*) FROM communities c WHERE (SELECT count(*) FROM vote_rounds r WHERE r.space_id = c.space_id) <> 1`},
	{"topic on an unadopted theme", `SELECT count(*) FROM topics t JOIN theme_proposals p ON p.id = t.theme_id
		WHERE p.status <> 'adopted' OR p.space_id <> t.space_id OR p.decided_at > t.created_at`},
	// Threads: parents and quotes earlier in the same topic, depths that follow.
	{"reply thread", `SELECT count(*) FROM replies r LEFT JOIN replies p ON p.id = r.parent_id
		WHERE (r.parent_id IS NULL AND r.depth <> 0) OR (r.parent_id IS NOT NULL AND (p.id IS NULL OR p.topic_id <> r.topic_id
		OR p.id >= r.id OR r.depth <> p.depth + 1))`},
	{"quote", `SELECT count(*) FROM replies r JOIN replies q ON q.id = r.quote_of WHERE q.topic_id <> r.topic_id OR q.id >= r.id OR r.quote_excerpt = ''`},
	{"reply order", `SELECT count(*) FROM replies r JOIN replies p ON p.topic_id = r.topic_id AND p.id < r.id WHERE p.created_at > r.created_at`},
	{"reply before its topic", `SELECT count(*) FROM replies r JOIN topics t ON t.id = r.topic_id WHERE r.created_at < t.created_at OR r.space_id <> t.space_id`},
	{"topic on another community's board", `SELECT count(*) FROM topics t JOIN boards b ON b.id = t.board_id WHERE b.space_id <> t.space_id OR b.created_at > t.created_at`},
	// Roles: a host who created it; expert answers by experts, marked by hosts or experts.
	{"creator not a host", `SELECT count(*) FROM communities c WHERE NOT EXISTS (SELECT 1 FROM space_members m
		WHERE m.space_id = c.space_id AND m.user_id = c.created_by AND m.role = 'host')`},
	{"expert answer", `SELECT count(*) FROM replies r WHERE r.is_expert_answer AND (NOT EXISTS (SELECT 1 FROM space_members m
		WHERE m.space_id = r.space_id AND m.user_id = r.author_id AND m.role = 'expert') OR NOT EXISTS (SELECT 1 FROM space_members m
		WHERE m.space_id = r.space_id AND m.user_id = r.expert_marked_by AND m.role IN ('host', 'expert')))`},
	{"join request", `SELECT count(*) FROM join_requests j WHERE j.status <> 'approved' OR j.decided_at < j.created_at OR NOT EXISTS
		(SELECT 1 FROM space_members m WHERE m.space_id = j.space_id AND m.user_id = j.user_id AND m.joined_at = j.decided_at)`},
	{"invitation", `SELECT count(*) FROM invitations i WHERE i.uses <> 1 OR NOT EXISTS (SELECT 1 FROM space_members m
		WHERE m.space_id = i.space_id AND m.user_id = i.invitee_id AND m.role = i.role AND m.joined_at >= i.created_at)`},
	// Mentions and notifications follow the posts.
	{"mention not in the post", `SELECT count(*) FROM mentions x JOIN users u ON u.id = x.user_id LEFT JOIN replies r
		ON x.post_type = 'reply' AND r.id = x.post_id LEFT JOIN topics t ON x.post_type = 'topic' AND t.id = x.post_id
		WHERE COALESCE(r.body_html, t.body_html) NOT LIKE '%<a class="mention" href="/u/' || u.username || '">@' || u.username || '</a>%'`},
	{"reply notification not to the topic's author", `SELECT count(*) FROM notifications n JOIN replies r ON r.id = n.object_id
		JOIN topics t ON t.id = r.topic_id WHERE n.kind = 'reply' AND n.object_type = 'reply'
		AND (n.user_id <> t.author_id OR n.actor_id <> r.author_id OR n.url <> '/replies/' || r.id)`},
	{"mention notification without a mention", `SELECT count(*) FROM notifications n WHERE n.kind = 'mention' AND NOT EXISTS
		(SELECT 1 FROM mentions x WHERE x.post_type = n.object_type AND x.post_id = n.object_id AND x.user_id = n.user_id)`},
	{"reply whose topic's author was not told", `SELECT count(*) FROM replies r JOIN topics t ON t.id = r.topic_id
		WHERE r.author_id <> t.author_id AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.object_type = 'reply'
		AND n.object_id = r.id AND n.user_id = t.author_id)`},
	{"members told of a vote opened", `SELECT count(*) FROM vote_rounds r WHERE (SELECT count(*) FROM notifications n
		WHERE n.kind = 'vote_opened' AND n.object_id = r.id) <> (SELECT count(*) FROM space_members m
		WHERE m.space_id = r.space_id AND m.joined_at <= r.created_at AND m.user_id <> r.created_by)`},
	{"members told of a vote closed", `SELECT count(*) FROM vote_rounds r WHERE (SELECT count(*) FROM notifications n
		WHERE n.kind = 'vote_closed' AND n.object_id = r.id) <> (SELECT count(*) FROM space_members m
		WHERE m.space_id = r.space_id AND m.joined_at <= r.closes_at)`},
	{"members told of an adoption", `SELECT count(*) FROM theme_proposals p WHERE p.status = 'adopted' AND (SELECT count(*)
		FROM notifications n WHERE n.kind = 'theme_adopted' AND n.object_id = p.id) <> (SELECT count(*) FROM space_members m
		WHERE m.space_id = p.space_id AND m.joined_at <= p.decided_at AND m.user_id <> p.decided_by)`},
	{"join request not told to the leads", `SELECT count(*) FROM join_requests j WHERE NOT EXISTS (SELECT 1 FROM notifications n
		WHERE n.kind = 'join_request' AND n.object_id = j.id) OR EXISTS (SELECT 1 FROM notifications n WHERE n.kind = 'join_request'
		AND n.object_id = j.id AND NOT EXISTS (SELECT 1 FROM space_members m WHERE m.space_id = j.space_id AND m.user_id = n.user_id
		AND m.role IN ('host', 'facilitator')))`},
	{"decision not told to the requester", `SELECT count(*) FROM join_requests j WHERE NOT EXISTS (SELECT 1 FROM notifications n
		WHERE n.kind = 'join_decision' AND n.object_id = j.id AND n.user_id = j.user_id)`},
	{"invitation not told to the invitee", `SELECT count(*) FROM invitations i WHERE NOT EXISTS (SELECT 1 FROM notifications n
		WHERE n.kind = 'invitation' AND n.space_id = i.space_id AND n.user_id = i.invitee_id AND n.created_at = i.created_at)`},
	// Everything happened in the school year, and nothing in an archived community after it closed.
	{"reply outside the year", `SELECT count(*) FROM replies WHERE created_at >= $1 OR created_at < $2`},
	{"like outside the year", `SELECT count(*) FROM reply_likes WHERE created_at >= $1`},
	{"writes after archiving", `SELECT count(*) FROM events a JOIN replies r ON r.space_id = a.space_id
		WHERE a.verb = 'status_changed' AND a.context LIKE '%"to":"archived"%' AND r.created_at > a.at`},
	// Every action left its event.
	{"reply without its event", `SELECT count(*) FROM replies r WHERE NOT EXISTS (SELECT 1 FROM events e
		WHERE e.verb = 'replied' AND e.object_id = r.id AND e.actor_id = r.author_id AND e.at = r.created_at AND e.space_id = r.space_id)`},
	{"like without its event", `SELECT count(*) FROM reply_likes l WHERE NOT EXISTS (SELECT 1 FROM events e
		WHERE e.verb = 'liked' AND e.object_id = l.reply_id AND e.actor_id = l.user_id AND e.at = l.created_at)`},
	{"topic without its event", `SELECT count(*) FROM topics t WHERE NOT EXISTS (SELECT 1 FROM events e
		WHERE e.verb = 'created' AND e.object_type = 'topic' AND e.object_id = t.id AND e.actor_id = t.author_id AND e.at = t.created_at)`},
	{"member without a joined event", `SELECT count(*) FROM space_members m JOIN communities c ON c.space_id = m.space_id
		WHERE m.user_id <> c.created_by AND NOT EXISTS (SELECT 1 FROM events e WHERE e.verb = 'joined' AND e.space_id = m.space_id
		AND e.at = m.joined_at AND e.context LIKE '%"member":' || m.user_id || ',%')`},
	{"voter without a voted event", `SELECT count(*) FROM vote_participants v WHERE NOT EXISTS (SELECT 1 FROM events e
		WHERE e.verb = 'voted' AND e.object_id = v.round_id AND e.actor_id = v.user_id)`},
	{"secret vote's event with a choice", `SELECT count(*) FROM events e JOIN vote_rounds r ON r.id = e.object_id
		WHERE e.verb = 'voted' AND e.object_type = 'vote_round' AND e.context <> '{}'`},
}

// checkCommunityRules runs the violation queries and compares event counts
// with the rows.
func checkCommunityRules(t *testing.T, db *store.DB, res *demo.Result) {
	t.Helper()
	ctx := context.Background()
	r := db.R()
	for _, v := range violations {
		var n int
		args := []any{}
		if slices.Contains([]string{"round still open", "reply outside the year", "like outside the year"}, v.rule) {
			args = append(args, now.UnixMilli())
			if v.rule == "reply outside the year" {
				args = append(args, now.AddDate(-1, 0, -1).UnixMilli())
			}
		}
		if err := r.QueryRowForTest(ctx, v.query, args...).Scan(&n); err != nil {
			t.Errorf("%s: %v", v.rule, err)
			continue
		}
		if n != 0 {
			t.Errorf("%s: %d rows break the rule", v.rule, n)
		}
	}
	count := func(query string) int {
		var n int
		if err := r.QueryRowForTest(ctx, query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	for _, c := range []struct {
		what       string
		rows, want int
	}{
		{"replies", count(`SELECT count(*) FROM replies`), res.Replies},
		{"replied events", count(`SELECT count(*) FROM events WHERE verb = 'replied'`), res.Replies},
		{"likes", count(`SELECT count(*) FROM reply_likes`), res.Likes},
		{"liked events", count(`SELECT count(*) FROM events WHERE verb = 'liked'`), res.Likes},
		{"topics", count(`SELECT count(*) FROM topics`), res.Topics},
		{"communities", count(`SELECT count(*) FROM communities`), res.Communities},
		{"created community events", count(`SELECT count(*) FROM events WHERE verb = 'created' AND object_type = 'community'`), res.Communities},
		{"memberships", count(`SELECT count(*) FROM space_members m JOIN communities c ON c.space_id = m.space_id`), res.Memberships},
		{"joined events", count(`SELECT count(*) FROM events WHERE verb = 'joined'`), res.Memberships - res.Communities},
		{"requested events", count(`SELECT count(*) FROM events WHERE verb = 'requested'`), count(`SELECT count(*) FROM join_requests`)},
		{"invited events", count(`SELECT count(*) FROM events WHERE verb = 'invited'`), count(`SELECT count(*) FROM invitations`)},
		{"proposals", count(`SELECT count(*) FROM theme_proposals`), res.Proposals},
		{"proposed events", count(`SELECT count(*) FROM events WHERE verb = 'proposed'`), res.Proposals},
		{"adopted events", count(`SELECT count(*) FROM events WHERE verb = 'adopted'`), count(`SELECT count(*) FROM theme_proposals WHERE status = 'adopted'`)},
		{"ballots", count(`SELECT count(*) FROM vote_participants`), res.Ballots},
		{"voted events", count(`SELECT count(*) FROM events WHERE verb = 'voted'`), res.Ballots},
		{"notifications", count(`SELECT count(*) FROM notifications`), res.Notifications},
		{"secret rounds", count(`SELECT count(*) FROM vote_rounds WHERE secret`), 1},
		{"district-wide communities", count(`SELECT count(*) FROM communities c JOIN spaces i ON i.id = c.institution_id WHERE i.level = 'district'`), 2},
	} {
		if c.rows != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.rows, c.want)
		}
	}
	if n := count(`SELECT count(*) FROM vote_rounds WHERE NOT secret`); n < res.Rounds-1 || count(`SELECT count(*) FROM votes`) == 0 {
		t.Errorf("%d named rounds, %d votes", n, count(`SELECT count(*) FROM votes`))
	}
	// District-wide communities gather teachers of several schools.
	if n := count(`SELECT min(k) FROM (SELECT count(DISTINCT u.institution_id) AS k FROM communities c JOIN spaces i ON i.id = c.institution_id
		JOIN space_members m ON m.space_id = c.space_id JOIN users u ON u.id = m.user_id WHERE i.level = 'district' GROUP BY c.space_id) x`); n < 3 {
		t.Errorf("a district-wide community has members from only %d institutions", n)
	}
	for _, kind := range []string{"expert", "host"} {
		if n := count(`SELECT count(*) FROM space_members m JOIN communities c ON c.space_id = m.space_id WHERE m.role = '` + kind + `'`); n < 5 {
			t.Errorf("only %d %ss in the communities", n, kind)
		}
	}
	if n := count(`SELECT count(*) FROM replies WHERE is_expert_answer`); n == 0 {
		t.Error("no expert answers")
	}
	if n := count(`SELECT count(*) FROM replies WHERE parent_id IS NOT NULL`); n < res.Replies/10 {
		t.Errorf("only %d threaded replies", n)
	}
	if n := count(`SELECT count(*) FROM mentions`); n < 20 {
		t.Errorf("only %d mentions", n)
	}
	checkPostHTML(t, db)
}

// checkPostHTML renders every topic and reply without a mention as the
// service would and compares the HTML stored.
func checkPostHTML(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	var bad, n int
	for _, table := range []string{"topics", "replies"} {
		for id := int64(0); ; {
			var body, html string
			err := db.R().QueryRowForTest(ctx, `SELECT id, body, body_html FROM `+table+` WHERE id > $1 AND body NOT LIKE '%@%'
				ORDER BY id LIMIT 1`, id).Scan(&id, &body, &html)
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			n++
			if want, err := markup.Render(body); err != nil || string(want) != html {
				if bad++; bad == 1 {
					t.Errorf("%s %d: stored %q, renders as %q", table, id, html, want)
				}
			}
		}
	}
	if bad > 0 || n < 1000 {
		t.Errorf("%d of %d posts differ from their rendering", bad, n)
	}
}

// checkCommunityLogins checks the demo logins' community life through the
// service, as the pages show it.
func checkCommunityLogins(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	svc := newService(db)
	user := func(name string) *account.User {
		u, err := svc.UserByUsername(ctx, name)
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		return u
	}
	teacher, teacher2, facilitator := user("teacher"), user("teacher2"), user("facilitator")
	mine, n, err := svc.Communities(ctx, teacher, store.CommunityFilter{MemberID: teacher.ID, Limit: 20})
	if err != nil || n != 2 {
		t.Fatalf("teacher's communities = %d, %v", n, err)
	}
	if _, n, err := svc.Communities(ctx, teacher2, store.CommunityFilter{MemberID: teacher2.ID, Limit: 20}); err != nil || n != 2 {
		t.Errorf("teacher2's communities = %d, %v", n, err)
	}
	hosted, _, err := svc.Communities(ctx, facilitator, store.CommunityFilter{MemberID: facilitator.ID, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	hosts := 0
	for _, c := range hosted {
		if _, a, err := svc.Community(ctx, facilitator, c.Space.ID); err == nil && a.Role == community.RoleHost {
			hosts++
		}
	}
	if hosts != 1 {
		t.Errorf("the facilitator hosts %d communities", hosts)
	}
	var big *discussion.Topic
	for _, c := range mine {
		_, a, err := svc.Community(ctx, teacher, c.Space.ID)
		if err != nil || !a.Write || a.Role != community.RoleMember {
			t.Errorf("teacher in %q: %+v, %v", c.Space.Name, a, err)
		}
		themes, err := svc.CurrentThemes(ctx, teacher, c.Space.ID)
		if err != nil || len(themes) == 0 {
			t.Errorf("%q has %d current themes (%v)", c.Space.Name, len(themes), err)
		}
		rounds, err := svc.Rounds(ctx, teacher, c.Space.ID)
		if err != nil || len(rounds) != 1 || rounds[0].Open || !rounds[0].ResultsVisible || !rounds[0].HasVoted {
			t.Errorf("%q rounds seen by the teacher: %+v, %v", c.Space.Name, rounds, err)
		}
		l, err := svc.Discussion(ctx, nil, c.Space.ID, service.TopicQuery{Page: 1})
		if err != nil || l.Total == 0 || !l.Topics[0].Pinned {
			t.Fatalf("discussion of %q: %v", c.Space.Name, err)
		}
		for _, tp := range l.Topics {
			if big == nil || tp.ReplyCount > big.ReplyCount {
				big = tp
			}
		}
	}
	// The check-in thread runs to several pages; a visitor reads page 1.
	page, err := svc.Topic(ctx, nil, big.ID, 1)
	if err != nil || big.ReplyCount != 150 || page.Pages != 3 || len(page.Replies) != discussion.PageSize {
		t.Errorf("long topic %q: %d replies, page %+v, %v", big.Title, big.ReplyCount, page, err)
	}
	inbox, total, err := svc.Inbox(ctx, teacher, false, 10, 0)
	if err != nil || total == 0 || len(inbox) == 0 {
		t.Errorf("teacher's inbox: %d, %v", total, err)
	}
	// A member writes where she belongs; a non-member of the community may not.
	if _, err := svc.Reply(ctx, teacher, big.ID, discussion.ReplyInput{Body: "打卡：今天试了新的导入。"}, nil); err != nil {
		t.Errorf("the teacher cannot reply in her community: %v", err)
	}
	outsider := user("admin")
	if _, err := svc.Reply(ctx, outsider, big.ID, discussion.ReplyInput{Body: "路过"}, nil); err == nil {
		t.Error("a non-member replied")
	}
	var schoolCount int
	if err := db.R().QueryRowForTest(ctx, `SELECT count(*) FROM communities c JOIN spaces i ON i.id = c.institution_id
		WHERE i.level = $1`, space.School).Scan(&schoolCount); err != nil || schoolCount != 8 {
		t.Errorf("%d school-based communities (%v)", schoolCount, err)
	}
}
