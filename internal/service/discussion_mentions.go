package service

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/discussion"
	"github.com/yanxiu/yanxiu/internal/notify"
	"github.com/yanxiu/yanxiu/internal/store"
	"golang.org/x/net/html"
)

// @mentions and the notifications a post sends.

// mentioned is a member a post @mentions, in order of first mention.
type mentioned struct {
	Name   string
	UserID int64
}

// resolveMentions finds the members of a community a post's Markdown
// source @mentions. Names of non-members are dropped: a mention must not
// reach, or link to, someone who cannot read the post.
func (s *Service) resolveMentions(ctx context.Context, spaceID int64, src string) ([]mentioned, error) {
	names := discussion.ParseMentions(src)
	if len(names) == 0 {
		return nil, nil
	}
	ids, err := s.db.R().MembersByUsername(ctx, spaceID, names)
	if err != nil {
		return nil, err
	}
	var out []mentioned
	for _, n := range names {
		if id, ok := ids[n]; ok {
			out = append(out, mentioned{Name: n, UserID: id})
		}
	}
	return out, nil
}

// storeMentions stores a post's mentions not stored before and returns the
// IDs of the people newly mentioned, never the author, for notifying.
func (s *Service) storeMentions(ctx context.Context, q *store.Q, ms []mentioned, t discussion.PostType, postID, topicID, spaceID, authorID int64) ([]int64, error) {
	var added []int64
	for _, m := range ms {
		if m.UserID == authorID {
			continue
		}
		isNew, err := q.AddMention(ctx, store.Mention{PostType: t, PostID: postID, UserID: m.UserID, TopicID: topicID,
			SpaceID: spaceID, At: s.Now()})
		if err != nil {
			return nil, err
		}
		if isNew {
			added = append(added, m.UserID)
		}
	}
	return added, nil
}

// linkMentions turns the @names of members in rendered, sanitised HTML into
// links to their personal spaces. It rewrites text outside links and code
// only, escapes everything it writes, and links usernames, which are
// [a-z0-9._-], so its output stays as safe as its input.
func linkMentions(fragment string, ms []mentioned) string {
	if len(ms) == 0 || !strings.Contains(fragment, "@") {
		return fragment
	}
	members := make(map[string]bool, len(ms))
	for _, m := range ms {
		members[m.Name] = true
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(fragment))
	inside := 0 // depth of <a>, <code> and <pre> elements
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken, html.EndTagToken:
			name, _ := z.TagName()
			if n := string(name); n == "a" || n == "code" || n == "pre" {
				if tt == html.StartTagToken {
					inside++
				} else if inside > 0 {
					inside--
				}
			}
		case html.TextToken:
			if inside == 0 && bytes.IndexByte(raw, '@') >= 0 {
				writeLinked(&b, string(z.Text()), members)
				continue
			}
		}
		b.Write(raw)
	}
}

// writeLinked writes text escaped, with members' @names as links.
func writeLinked(b *strings.Builder, text string, members map[string]bool) {
	last := 0
	for _, sp := range discussion.MentionSpans(text) {
		if !members[sp.Name] {
			continue
		}
		b.WriteString(html.EscapeString(text[last:sp.Start]))
		b.WriteString(`<a class="mention" href="/u/` + sp.Name + `">` + html.EscapeString(text[sp.Start:sp.End]) + `</a>`)
		last = sp.End
	}
	b.WriteString(html.EscapeString(text[last:]))
}

// discussionNotice is one person to tell about a post.
type discussionNotice struct {
	UserID int64
	Kind   notify.Kind
	Topic  *discussion.Topic
	Reply  *discussion.Reply // nil for the topic's opening post
}

// noticesFor decides who hears about a new post: everyone newly mentioned,
// and, for a reply, the topic's author (once, as a mention if they were
// also mentioned), never the writer.
func noticesFor(t *discussion.Topic, r *discussion.Reply, writerID int64, mentioned []int64) []discussionNotice {
	out := mentionNotices(t, r, mentioned)
	if r != nil && t.AuthorID != writerID && !slices.Contains(mentioned, t.AuthorID) {
		out = append(out, discussionNotice{UserID: t.AuthorID, Kind: notify.Reply, Topic: t, Reply: r})
	}
	return out
}

// mentionNotices tells the newly mentioned.
func mentionNotices(t *discussion.Topic, r *discussion.Reply, mentioned []int64) []discussionNotice {
	out := make([]discussionNotice, 0, len(mentioned)+1)
	for _, id := range mentioned {
		out = append(out, discussionNotice{UserID: id, Kind: notify.Mention, Topic: t, Reply: r})
	}
	return out
}

// notifyDiscussion delivers notices inside the transaction of the post, so
// a post that fails notifies nobody. Links name the reply, which the site
// resolves to its page when followed.
func (s *Service) notifyDiscussion(ctx context.Context, q *store.Q, actor *account.User, notes []discussionNotice) error {
	for _, n := range notes {
		objType, objID, url := discussion.ObjTopic, n.Topic.ID, "/topics/"+strconv.FormatInt(n.Topic.ID, 10)
		if n.Reply != nil {
			objType, objID, url = discussion.ObjReply, n.Reply.ID, "/replies/"+strconv.FormatInt(n.Reply.ID, 10)
		}
		err := s.Notify(ctx, q, notify.Notification{UserID: n.UserID, Kind: n.Kind, ActorID: actor.ID, SpaceID: n.Topic.SpaceID,
			ObjectType: objType, ObjectID: objID, Title: n.Topic.Title, URL: url})
		if err != nil {
			return err
		}
	}
	return nil
}

// MaxSuggestions is how many members the mention autocomplete offers.
const MaxSuggestions = 8

// SuggestMembers offers members of a community whose username or display
// name starts with prefix (a leading "@" is ignored), for the @mention
// autocomplete of signed-in readers.
func (s *Service) SuggestMembers(ctx context.Context, viewer *account.User, communityID int64, prefix string) ([]store.MemberSuggestion, error) {
	if viewer == nil {
		return nil, errUnauthorized
	}
	c, _, err := s.community(ctx, viewer, communityID)
	if err != nil {
		return nil, err
	}
	prefix = strings.TrimPrefix(strings.TrimSpace(prefix), "@")
	if utf8.RuneCountInString(prefix) > 32 {
		return nil, nil
	}
	return s.db.R().SuggestMembers(ctx, c.Space.ID, prefix, MaxSuggestions)
}
