// Package demo seeds an empty database with a plausible Chinese school
// district, so that Yanxiu can be tried, demonstrated and benchmarked
// without real people's data: a region (江州市) with districts (青湖区 ...),
// their schools (实验小学, 第三中学, 育才初级中学 ...; urban, town and
// village) and the teaching-research groups inside them; teachers with
// realistic names, subjects, titles and years of teaching; a year of
// reflective journal entries, comments, follows and announcements; training
// communities across schools with their theme proposals, votes and
// discussions; a library of teaching resources (lesson plans in the
// structured template, teaching cases, reflections, links and uploaded
// files) with the district's featured ones; and the event log of that year
// with the rhythm of a school calendar, from very active teachers to those
// who never open their space.
//
// Everything is drawn from a seeded random source, so the same Seed and Now
// give the same district. Rows are written through the store's bulk
// helpers, exactly as the services would have written them one by one.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/blob"
	"github.com/yanxiu/yanxiu/internal/store"
)

// Scale selects how big a district to make.
type Scale string

// The scales.
const (
	// Small is one district of about 12 schools and 300 people; it takes a
	// few seconds and is what `make run` and the tests use.
	Small Scale = "small"
	// District is 20 districts with 2,000 schools, 100,000 people and a
	// million events: the data set of the performance benchmarks.
	District Scale = "district"
)

// Options configure a seed.
type Options struct {
	Scale Scale // "" means Small
	Seed  int64
	// Now is "today"; the demo's school year is the 12 months before it.
	// Zero means the current time.
	Now time.Time
	// Log receives progress messages; nil discards them.
	Log func(format string, args ...any)
	// Files is the file store uploads go to (the data folder's, as
	// `yanxiu serve` opens it); nil leaves the library without its
	// uploaded files.
	Files blob.Store
	// Resources, when positive, is the size of the generated resource
	// library instead of the scale's (none for Small, whose forty
	// hand-picked resources are always made): tests use a small library.
	Resources int
}

// Result tells what was made and how to log in.
type Result struct {
	Institutions, Users, Entries, Events int
	// The training communities: their memberships, theme proposals, voting
	// rounds and ballots cast, discussion topics, replies, likes, and the
	// notifications the discussion sent.
	Communities, Memberships, Proposals, Rounds, Ballots int
	Topics, Replies, Likes, Notifications                int
	Resources                                            int
	Logins                                               []Login
	Elapsed                                              time.Duration
}

// Login is a fixed demo account.
type Login struct {
	Username, Password, Role, Note string
}

// ErrNotEmpty refuses to seed a database that already has accounts: the
// demo would mix invented people with real ones.
var ErrNotEmpty = errors.New("demo: the database already has users; seed an empty database")

// size is how much of everything a scale makes.
type size struct {
	districts, schools, people int
	entries, comments, follows int
	events                     int
	noticesPerSchool           float64

	// Communities: how many, the share that is district-wide, mean members
	// of school-based and district-wide ones and of the demo logins' big
	// one, topics and replies in all, the replies of the long check-in
	// topic, likes per reply and the share of communities archived.
	communities                    int
	districtShare                  float64
	schoolMembers, districtMembers float64
	bigMembers                     int
	topics, replies, bigTopic      int
	likesPerReply, archivedShare   float64
	secretShare                    float64 // of rounds besides the demo's one secret ballot
	cacheMiB                       int     // page cache while loading
	fastLoad                       bool    // load with store.BulkLoadMode (see Seed)
	resources                      int     // the generated library (library.go)
}

var sizes = map[Scale]size{
	Small: {districts: 1, schools: 12, people: 300, entries: 1000, comments: 1500, follows: 900, events: 30_000, noticesPerSchool: 4,
		communities: 10, districtShare: 0.2, schoolMembers: 9, districtMembers: 18, bigMembers: 40,
		topics: 60, replies: 1200, bigTopic: 150, likesPerReply: 0.8, archivedShare: 0.2, cacheMiB: 64},
	District: {districts: 20, schools: 2000, people: 100_000, entries: 30_000, comments: 45_000, follows: 60_000, events: 1_000_000, noticesPerSchool: 1.5,
		communities: 10_000, districtShare: 0.08, schoolMembers: 9, districtMembers: 35, bigMembers: 160,
		topics: 80_000, replies: 1_000_000, bigTopic: 5000, likesPerReply: 0.45, archivedShare: 0.05, secretShare: 0.15, cacheMiB: 512,
		fastLoad: true, resources: 3000},
}

// sortRunMiB is the page cache, and so the sort runs, of the index builds
// after a fast load (store.Q.SortInRuns).
const sortRunMiB = 48

// bulkTables are the tables whose secondary indexes are built after loading
// rather than updated row by row.
var bulkTables = []string{"spaces", "users", "space_members", "journal_entries", "journal_comments", "follows",
	"announcements", "events", "communities", "join_requests", "invitations", "theme_proposals", "proposal_comments",
	"vote_rounds", "boards", "topics", "replies", "reply_likes", "mentions", "notifications"}

// Seed fills an empty, migrated database with a demo district, all in one
// transaction: either the whole district is there or nothing is.
func Seed(ctx context.Context, db *store.DB, opts Options) (*Result, error) {
	began := time.Now()
	if opts.Scale == "" {
		opts.Scale = Small
	}
	sz, ok := sizes[opts.Scale]
	if !ok {
		return nil, fmt.Errorf("demo: unknown scale %q (want %q or %q)", opts.Scale, Small, District)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	opts.Now = opts.Now.UTC().Truncate(time.Millisecond)
	if opts.Log == nil {
		opts.Log = func(string, ...any) {}
	}
	if n, err := db.R().CountUsers(ctx); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, ErrNotEmpty
	}
	// One real-strength hash shared by every demo account: hashing 100,000
	// passwords would take the better part of an hour.
	hash, err := account.HashPassword(Password, account.DefaultArgon2)
	if err != nil {
		return nil, fmt.Errorf("demo: hash password: %w", err)
	}
	w := &world{opts: opts, size: sz, cal: newCalendar(opts.Now), names: newNamer(), users: usernames{}, keys: map[string]string{}}
	w.buildTree()
	w.buildPeople()
	w.indexActive()
	w.log("planned %d schools and %d people", len(w.schools), len(w.people))
	w.planEntries()
	w.planComments()
	w.planFollows()
	w.planNotices()
	w.planProfiles()
	w.planCommunities()
	libSize := sz.resources
	if opts.Resources > 0 {
		libSize = opts.Resources
	}
	// The library is planned and its files stored on the second core
	// while the database loads: it reads only what planning fixed (the
	// people's subjects, schools and join times), never what writing sets
	// (IDs, paths). The channel is buffered so that a failed load does
	// not leave the goroutine waiting.
	libReady := make(chan error, 1)
	go func() {
		w.lib = w.planLibrary(libSize)
		libReady <- storeLibraryFiles(ctx, opts.Files, w.lib)
	}()

	// A district is written in one transaction of over a gigabyte. It
	// goes into a new database, so SQLite may skip the write-ahead log and
	// the fsyncs for it (store.BulkLoadMode): should the seed die midway,
	// the database is deleted and seeded again, which takes less time than
	// writing everything twice does. The page cache is grown for the load
	// but kept well below the district's size: freeing a cache page by page
	// when the load is over cost 23 s of the 2 GiB one. The small district
	// seeds the database `make run` keeps, in seconds, and keeps WAL mode's
	// safety.
	grow := db.GrowCache
	if sz.fastLoad {
		grow = db.BulkLoadMode
	}
	restore, err := grow(ctx, sz.cacheMiB)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer restore(context.WithoutCancel(ctx)) //nolint:errcheck // only the cache and the journal mode are at stake; a new connection is in WAL mode again
	cw := &w.comm
	res := &Result{Users: len(w.people), Entries: len(w.entries), Logins: w.logins, Communities: len(cw.list),
		Memberships: len(cw.members), Proposals: len(cw.proposals), Rounds: len(cw.rounds), Ballots: len(cw.ballots),
		Topics: len(cw.topics), Replies: len(cw.replies), Likes: len(cw.likes)}
	err = db.Tx(ctx, func(q *store.Q) error {
		if n, err := q.CountUsers(ctx); err != nil {
			return err
		} else if n > 0 {
			return ErrNotEmpty
		}
		recreate, err := q.DropIndexes(ctx, bulkTables...)
		if err != nil {
			return err
		}
		insts, err := w.writeInstitutions(ctx, q)
		if err != nil {
			return err
		}
		res.Institutions = len(insts)
		if err := w.writePeople(ctx, q, hash); err != nil {
			return err
		}
		w.log("people: %d (%s)", len(w.people), time.Since(began).Round(time.Millisecond))
		w.planSessions(len(insts))
		if err := w.writeEntries(ctx, q); err != nil {
			return err
		}
		if err := w.writeComments(ctx, q); err != nil {
			return err
		}
		if err := w.writeFollows(ctx, q); err != nil {
			return err
		}
		if err := w.writeNotices(ctx, q); err != nil {
			return err
		}
		if err := w.writeCommunities(ctx, q); err != nil {
			return err
		}
		w.log("communities written (%s)", time.Since(began).Round(time.Millisecond))
		if err := w.writeSurveys(ctx, q); err != nil {
			return err
		}
		if err := <-libReady; err != nil {
			return err
		}
		if res.Resources, err = w.writeLibrary(ctx, q); err != nil {
			return err
		}
		library := res.Resources
		if err := w.writeResources(ctx, q, res); err != nil {
			return err
		}
		if res.Events, err = w.writeEvents(ctx, q, insts); err != nil {
			return err
		}
		res.Notifications = w.comm.notified
		if err := w.writeInterviews(ctx, q, res); err != nil {
			return err
		}
		w.log("events: %d (%s)", res.Events, time.Since(began).Round(time.Millisecond))
		if library > 0 {
			// The library's search index, in one pass.
			n, err := q.ReindexAllResources(ctx, opts.Now.UnixMilli(), nil)
			if err != nil {
				return err
			}
			w.log("search index: %d resources (%s)", n, time.Since(began).Round(time.Millisecond))
		}
		if sz.fastLoad {
			if err := q.SortInRuns(ctx, sortRunMiB); err != nil {
				return err
			}
		}
		return recreate(ctx)
	})
	if errors.Is(err, ErrNotEmpty) {
		return nil, ErrNotEmpty
	}
	if err != nil {
		return nil, fmt.Errorf("demo: seed %s district: %w", opts.Scale, err)
	}
	w.log("indexed and committed (%s)", time.Since(began).Round(time.Millisecond))
	if err := db.Optimize(ctx); err != nil {
		return nil, fmt.Errorf("demo: optimize after seeding: %w", err)
	}
	res.Elapsed = time.Since(began)
	return res, nil
}

func (w *world) log(format string, args ...any) { w.opts.Log(format, args...) }
