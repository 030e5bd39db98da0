package service_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func TestDiscussionPaging(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newForum(t, db)
		ctx := context.Background()
		tp := f.topic(t, f.teacher, f.open, "长帖")
		var ids []int64
		err := db.Tx(ctx, func(q *store.Q) error {
			for i := range 120 {
				r := &discussion.Reply{TopicID: tp.ID, SpaceID: tp.SpaceID, AuthorID: f.colleague.ID, Body: fmt.Sprint(i),
					BodyHTML: fmt.Sprintf("<p>%d</p>", i), CreatedAt: *f.now}
				if err := q.CreateReply(ctx, r); err != nil {
					return err
				}
				ids = append(ids, r.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ ask, page, n, firstFloor int }{{1, 1, 50, 1}, {2, 2, 50, 51}, {3, 3, 20, 101}, {99, 3, 20, 101}, {-4, 1, 50, 1}} {
			p, err := f.svc.Topic(ctx, f.stranger, tp.ID, tc.ask)
			if err != nil {
				t.Fatal(err)
			}
			if p.Page != tc.page || p.Pages != 3 || len(p.Replies) != tc.n || p.Replies[0].Floor != tc.firstFloor ||
				p.Replies[0].ID != ids[tc.firstFloor-1] {
				t.Fatalf("page %d: page %d/%d, %d replies, first floor %d", tc.ask, p.Page, p.Pages, len(p.Replies), p.Replies[0].Floor)
			}
		}
		for i, want := range map[int]int{0: 1, 49: 1, 50: 2, 119: 3} {
			topicID, page, err := f.svc.ReplyLocation(ctx, f.stranger, ids[i])
			if err != nil || topicID != tp.ID || page != want {
				t.Fatalf("reply %d on page %d (%v), want %d", i, page, err, want)
			}
		}
	})
}

// memBlobs is an in-memory blob store for attachment tests.
type memBlobs struct{ m map[string][]byte }

func (b *memBlobs) Save(ctx context.Context, r io.Reader) (string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	key := hex.EncodeToString(sum[:])
	b.m[key] = data
	return key, nil
}

func TestDiscussionAttachments(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newForum(t, db)
		blobs := &memBlobs{m: map[string][]byte{}}
		f.svc = service.New(service.Options{DB: db, Blobs: blobs, Argon2: account.FastArgon2, Now: func() time.Time { return *f.now }})
		ctx := context.Background()
		svc := f.svc
		png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + strings.Repeat("\x00", 100)
		docx := "PK\x03\x04" + strings.Repeat("z", 100)
		up := func(name, content string) service.Upload {
			return service.Upload{Name: name, Body: strings.NewReader(content)}
		}

		tp, err := svc.CreateTopic(ctx, f.teacher, f.open.Space.ID, discussion.TopicInput{Title: "课件", Body: "见附件"},
			[]service.Upload{up("板书.png", png), up("../教案.docx", docx)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.CreateTopic(ctx, f.teacher, f.open.Space.ID, discussion.TopicInput{Title: "t", Body: "b"},
			[]service.Upload{up("run.pdf", "#!/bin/sh\necho hi")})
		wantCode(t, err, apperr.Invalid)
		_, err = svc.CreateTopic(ctx, f.teacher, f.open.Space.ID, discussion.TopicInput{Title: "t", Body: "b"},
			[]service.Upload{up("empty.pdf", "")})
		wantCode(t, err, apperr.Invalid)
		big := service.Upload{Name: "big.pdf", Body: io.MultiReader(strings.NewReader("%PDF-1.7\n"),
			io.LimitReader(zeros{}, discussion.MaxAttachmentBytes))}
		_, err = svc.Reply(ctx, f.colleague, tp.ID, discussion.ReplyInput{Body: "大文件"}, []service.Upload{big})
		wantCode(t, err, apperr.TooLarge)
		many := make([]service.Upload, discussion.MaxAttachments+1)
		for i := range many {
			many[i] = up("p.png", png)
		}
		_, err = svc.Reply(ctx, f.colleague, tp.ID, discussion.ReplyInput{Body: "多"}, many)
		wantCode(t, err, apperr.Invalid)
		r, err := svc.Reply(ctx, f.colleague, tp.ID, discussion.ReplyInput{Body: "补充"}, []service.Upload{up("图.png", png)})
		if err != nil {
			t.Fatal(err)
		}
		if len(blobs.m) != 2 {
			t.Fatalf("%d blobs stored, want 2 (identical images once, refused files never)", len(blobs.m))
		}

		page, err := svc.Topic(ctx, f.stranger, tp.ID, 1)
		if err != nil || len(page.Attachments[0]) != 2 || len(page.Attachments[r.ID]) != 1 {
			t.Fatalf("attachments on the page: %v %v", page.Attachments, err)
		}
		doc := page.Attachments[0][1]
		if doc.Name != "教案.docx" || doc.Image() || doc.Size != int64(len(docx)) ||
			doc.ContentType != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
			t.Fatalf("document attachment %+v", doc)
		}
		if a, err := svc.Attachment(ctx, f.stranger, doc.ID); err != nil || a.Key != doc.Key {
			t.Fatalf("public attachment for a reader: %+v %v", a, err)
		}
		// Hidden posts' files go to leads only; private communities' to members only.
		img := page.Attachments[r.ID][0]
		if err := svc.SetHidden(ctx, f.schoolAdm, discussion.ReplyPost, r.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Attachment(ctx, f.teacher, img.ID)
		wantCode(t, err, apperr.NotFound)
		if _, err := svc.Attachment(ctx, f.schoolAdm, img.ID); err != nil {
			t.Fatal(err)
		}
		if page, _ := svc.Topic(ctx, f.teacher, tp.ID, 1); len(page.Attachments[r.ID]) != 0 {
			t.Fatal("a hidden reply's files are listed")
		}
		secret, err := svc.CreateTopic(ctx, f.schoolAdm, f.closed.Space.ID, discussion.TopicInput{Title: "内部", Body: "b"},
			[]service.Upload{up("内部.png", png)})
		if err != nil {
			t.Fatal(err)
		}
		sp, _ := svc.Topic(ctx, f.schoolAdm, secret.ID, 1)
		_, err = svc.Attachment(ctx, f.teacher, sp.Attachments[0][0].ID)
		wantCode(t, err, apperr.NotFound)
		_, err = svc.Attachment(ctx, nil, sp.Attachments[0][0].ID)
		wantCode(t, err, apperr.Unauthorized)
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
