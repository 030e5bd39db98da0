// Package space owns the one container model of Yanxiu: personal spaces,
// institutional spaces (region → district → school → teaching-research group)
// and, later, communities are all Spaces with a kind, a parent, members with
// roles, a visibility and switched-on modules. Content, streams, search and
// permissions therefore work the same everywhere, and spaces nest.
package space

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind tells what a space is.
type Kind string

// The kinds of space.
const (
	Personal    Kind = "personal"
	Institution Kind = "institution"
	Community   Kind = "community"
)

// Level is the place of an institution in the administrative tree.
type Level string

// The institution levels, top down.
const (
	Region   Level = "region"
	District Level = "district"
	School   Level = "school"
	Group    Level = "group" // 教研组, a teaching-research group inside a school
)

// Levels lists the levels top down; a child is always exactly one level below
// its parent, except that a group may also sit inside another group.
var Levels = []Level{Region, District, School, Group}

// Valid reports whether l is known.
func (l Level) Valid() bool { return slices.Contains(Levels, l) }

// ChildLevel returns the level a child of l must have.
func (l Level) ChildLevel() (Level, bool) {
	i := slices.Index(Levels, l)
	if i < 0 || i == len(Levels)-1 {
		return Group, l == Group
	}
	return Levels[i+1], true
}

// Visibility says who may see a space or a piece of content.
type Visibility string

// The visibilities.
const (
	Public          Visibility = "public"      // anyone, signed in or not
	InstitutionOnly Visibility = "institution" // people of the same school (or its admins)
	Private         Visibility = "private"     // the owner (and members of the space)
)

// Visibilities lists them for forms.
var Visibilities = []Visibility{Public, InstitutionOnly, Private}

// Valid reports whether v is known.
func (v Visibility) Valid() bool { return slices.Contains(Visibilities, v) }

// Module is a feature that can be switched on per space.
type Module string

// The modules known so far; later capabilities add theirs.
const (
	ModJournal       Module = "journal"
	ModAnnouncements Module = "announcements"
	ModMembers       Module = "members"
	ModTimeline      Module = "timeline"
	ModResources     Module = "resources"
	ModDiscussion    Module = "discussion"
)

// Optional returns the modules an owner may switch on or off for a kind of
// space; the others are always on or not offered.
func Optional(k Kind) []Module {
	switch k {
	case Institution:
		return []Module{ModAnnouncements, ModMembers}
	case Personal:
		return []Module{ModTimeline}
	}
	return nil
}

// DefaultModules returns the modules a new space of the kind starts with.
func DefaultModules(k Kind) []Module {
	switch k {
	case Personal:
		return []Module{ModJournal, ModTimeline, ModResources}
	case Institution:
		return []Module{ModAnnouncements, ModMembers, ModResources}
	default:
		return []Module{ModDiscussion, ModMembers, ModResources}
	}
}

// Space is a container of content and members.
type Space struct {
	ID          int64
	Kind        Kind
	Level       Level // institutions only
	ParentID    int64 // 0 for a root
	Path        string
	Name        string
	Code        string // institution code such as an education bureau number
	Description string // Markdown
	Location    string // institutions: urban / town / rural, used to group research data
	Visibility  Visibility
	Modules     []Module
	OwnerID     int64 // personal spaces: the owner
	MemberCount int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Has reports whether a module is switched on.
func (s *Space) Has(m Module) bool { return slices.Contains(s.Modules, m) }

// ChildPath returns the materialised path of a child with the given ID. Paths
// look like "/1/7/42/": every ancestor's ID, so a subtree is one prefix query.
func ChildPath(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// Contains reports whether the subtree rooted at s includes the space with path p.
func (s *Space) Contains(p string) bool { return s.Path != "" && strings.HasPrefix(p, s.Path) }

// AncestorIDs parses a path into the IDs from the root down, including the space itself.
func AncestorIDs(path string) ([]int64, error) {
	var ids []int64
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad space path %q", path)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Locations are the school locations research groups by.
var Locations = []string{"urban", "town", "rural"}

// MemberRole is a person's role inside one space.
type MemberRole string

// Member roles. Institution spaces use Admin and Member; communities add
// Host, Facilitator and Expert in a later issue.
const (
	RoleAdmin  MemberRole = "admin"
	RoleMember MemberRole = "member"
)

// Limits for institution fields.
const (
	MaxName        = 100
	MaxDescription = 20000
	MaxCode        = 32
)
