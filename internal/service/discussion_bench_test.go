package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/markup"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// benchReplies is the size of the topic the performance target names.
const benchReplies = 5000

// BenchmarkTopicPage measures reading page 1, a middle page and the last
// page of a 5,000-reply topic through the service (access check, topic,
// page, references, likes), on every engine. The figures go to
// docs/PERFORMANCE.md; run with
//
//	go test ./internal/service -run '^$' -bench TopicPage -benchtime 2000x
func BenchmarkTopicPage(b *testing.B) {
	for _, e := range testkit.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			db, _ := e.Open(b)
			svc, viewer, topicID := seedLongTopic(b, db, benchReplies)
			pages := discussion.Pages(benchReplies)
			for _, tc := range []struct {
				name string
				page int
			}{{"page1", 1}, {"middle", pages / 2}, {"last", pages}} {
				b.Run(tc.name, func(b *testing.B) {
					ctx := context.Background()
					b.ReportAllocs()
					for b.Loop() {
						p, err := svc.Topic(ctx, viewer, topicID, tc.page)
						if err != nil {
							b.Fatal(err)
						}
						if len(p.Replies) != discussion.PageSize {
							b.Fatalf("page %d has %d replies", tc.page, len(p.Replies))
						}
					}
				})
			}
		})
	}
}

// seedLongTopic builds a community with a topic of n replies from a few
// members, a third of them threaded under an earlier reply and some quoting
// one, with likes, among 3n replies of other topics, and returns a member
// to read it as.
func seedLongTopic(tb testing.TB, db *store.DB, n int) (*service.Service, *account.User, int64) {
	tb.Helper()
	ctx := context.Background()
	now := time.Date(2026, 10, 9, 9, 0, 0, 0, time.UTC)
	svc := service.New(service.Options{DB: db, Argon2: account.FastArgon2, Now: func() time.Time { return now }})
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	district, err := svc.CreateInstitution(ctx, nil, 0, service.InstitutionInput{Name: "青湖区", Level: space.District})
	must(err)
	host, err := svc.CreateUser(ctx, nil, service.NewUser{Username: "host", Password: pw, Role: account.DistrictAdmin, InstitutionID: district.ID})
	must(err)
	c, err := svc.CreateCommunity(ctx, host, district.ID, community.Input{Name: "初中数学工作坊", JoinPolicy: community.Open, Visibility: space.Public})
	must(err)
	var members []*account.User
	for i := range 8 {
		u, err := svc.CreateUser(ctx, nil, service.NewUser{Username: fmt.Sprintf("member%d", i), Password: pw, Role: account.Teacher,
			InstitutionID: district.ID, Profile: service.Profile{DisplayName: fmt.Sprintf("老师%d", i)}})
		must(err)
		_, err = svc.Join(ctx, u, c.Space.ID, "")
		must(err)
		members = append(members, u)
	}
	t, err := svc.CreateTopic(ctx, host, c.Space.ID, discussion.TopicInput{Title: "一次函数的图象：课例研讨", Body: "请大家谈谈**导入环节**的设计。"}, nil)
	must(err)
	body := "我觉得导入可以从生活中的**分段计费**问题开始，让学生先列表再描点，体会变化规律。\n\n- 列表\n- 描点\n- 连线"
	html, err := markup.Render(body)
	must(err)
	// Three other topics' replies interleave with this one's, as in a busy
	// community, so that its replies are a minority of the table and
	// spread over it, and the planners see the statistics of a real site.
	var others []int64
	for i := range 3 {
		o, err := svc.CreateTopic(ctx, host, c.Space.ID, discussion.TopicInput{Title: fmt.Sprintf("话题 %d", i), Body: "b"}, nil)
		must(err)
		others = append(others, o.ID)
	}
	ids := make([]int64, 0, n)
	must(db.Tx(ctx, func(q *store.Q) error {
		for i := range n {
			for _, o := range others {
				if err := q.CreateReply(ctx, &discussion.Reply{TopicID: o, SpaceID: c.Space.ID, AuthorID: members[(i+3)%len(members)].ID,
					Body: "x", BodyHTML: "<p>x</p>", CreatedAt: now}); err != nil {
					return err
				}
			}
			r := &discussion.Reply{TopicID: t.ID, SpaceID: c.Space.ID, AuthorID: members[i%len(members)].ID, Body: body,
				BodyHTML: string(html), CreatedAt: now.Add(time.Duration(i) * time.Minute)}
			if i%3 == 1 {
				r.ParentID, r.Depth = ids[i-1], 1
			}
			if i%10 == 7 {
				r.QuoteOf, r.QuoteExcerpt = ids[i-5], "我觉得导入可以从生活中的分段计费问题开始"
			}
			if err := q.CreateReply(ctx, r); err != nil {
				return err
			}
			ids = append(ids, r.ID)
			if i%4 == 0 {
				if _, err := q.Like(ctx, r.ID, members[(i+1)%len(members)].ID, now); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	if db.Dialect == store.Postgres {
		// What autovacuum does soon after a bulk insert: statistics for the
		// planner and the visibility map for index-only scans.
		must(db.W().QueryRowForTest(ctx, `VACUUM ANALYZE`).Err())
	}
	return svc, members[1], t.ID
}
