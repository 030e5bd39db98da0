// Package community owns training communities (研修共同体 / 工作坊): their
// settings, lifecycle, join policies and member roles, and the theme
// negotiation by which members agree on what to study (proposals, approval
// voting rounds, adoption). It does no I/O; a community's container is a
// space.Space of kind Community.
package community

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

// Status is a community's place in its lifecycle.
type Status string

// Lifecycle: planning → active → archived (archived is read-only).
const (
	Planning Status = "planning"
	Active   Status = "active"
	Archived Status = "archived"
)

// Statuses lists them in lifecycle order.
var Statuses = []Status{Planning, Active, Archived}

// JoinPolicy says how people become members.
type JoinPolicy string

// Join policies.
const (
	Open      JoinPolicy = "open"
	ByRequest JoinPolicy = "request"
	ByInvite  JoinPolicy = "invite"
)

// JoinPolicies lists them for forms.
var JoinPolicies = []JoinPolicy{Open, ByRequest, ByInvite}

// Member roles inside a community, from most to least power.
const (
	RoleHost        space.MemberRole = "host"
	RoleFacilitator space.MemberRole = "facilitator"
	RoleExpert      space.MemberRole = "expert"
	RoleMember      space.MemberRole = "member"
)

// Roles lists the community roles.
var Roles = []space.MemberRole{RoleHost, RoleFacilitator, RoleExpert, RoleMember}

// ValidRole reports whether r is a community role.
func ValidRole(r space.MemberRole) bool { return slices.Contains(Roles, r) }

// Leads reports whether a role may manage members (host or facilitator).
func Leads(r space.MemberRole) bool { return r == RoleHost || r == RoleFacilitator }

// Community is a community's settings beside its space.
type Community struct {
	Space         *space.Space
	InstitutionID int64
	Institution   string // name, filled by listings
	Purpose       string
	Subject       string // teacher.Subjects key or ""
	GradeBand     string // teacher.GradeBands key or ""
	CoverKey      string
	StartsOn      *time.Time
	EndsOn        *time.Time
	Status        Status
	JoinPolicy    JoinPolicy
	MemberCap     int
	CreatedBy     int64
}

// Full reports whether the member cap is reached.
func (c *Community) Full() bool { return c.MemberCap > 0 && c.Space.MemberCount >= c.MemberCap }

// Limits.
const (
	MaxName    = 80
	MaxPurpose = 5000
	MaxCap     = 100_000
)

// Input is what creating or editing a community takes.
type Input struct {
	Name       string
	Purpose    string
	Subject    string
	GradeBand  string
	StartsOn   *time.Time
	EndsOn     *time.Time
	JoinPolicy JoinPolicy
	Visibility space.Visibility
	MemberCap  int
}

// Validate checks the input and normalises whitespace.
func (in *Input) Validate() error {
	in.Name, in.Purpose = strings.TrimSpace(in.Name), strings.TrimSpace(in.Purpose)
	f := apperr.Fields{}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		f.Add("name", "form.required")
	case n > MaxName:
		f.Add("name", "form.too_long", "max", MaxName)
	}
	if utf8.RuneCountInString(in.Purpose) > MaxPurpose {
		f.Add("purpose", "form.too_long", "max", MaxPurpose)
	}
	if in.Subject != "" {
		if _, ok := teacher.Lookup(teacher.KindSubject, in.Subject); !ok {
			f.Add("subject", "form.invalid_choice")
		}
	}
	if in.GradeBand != "" {
		if _, ok := teacher.Lookup(teacher.KindGradeBand, in.GradeBand); !ok {
			f.Add("grade_band", "form.invalid_choice")
		}
	}
	if !slices.Contains(JoinPolicies, in.JoinPolicy) {
		f.Add("join_policy", "form.invalid_choice")
	}
	if !in.Visibility.Valid() {
		f.Add("visibility", "form.invalid_choice")
	}
	if in.MemberCap < 0 || in.MemberCap > MaxCap {
		f.Add("member_cap", "form.out_of_range", "min", 0, "max", MaxCap)
	}
	if in.StartsOn != nil && in.EndsOn != nil && in.EndsOn.Before(*in.StartsOn) {
		f.Add("ends_on", "community.error.ends_before_start")
	}
	return f.Err()
}
