package models

import (
	"strings"
	"time"
)

// Role is what a user is in the program.
type Role string

const (
	RoleAdmin     Role = "admin"
	RoleProfessor Role = "professor"
	RoleStudent   Role = "student"
	RoleMerchant  Role = "merchant"
	RoleCity      Role = "city"
)

// Roles in the order SPEC §1 lists them.
var Roles = []Role{RoleAdmin, RoleProfessor, RoleStudent, RoleMerchant, RoleCity}

// Status is where an entry or sales record stands in review.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
	StatusApproved  Status = "approved"
	StatusReturned  Status = "returned"
)

// Statuses in the order SPEC §1 lists them; counted_statuses follows it.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusApproved, StatusReturned}

// Kind is a campaign's channel of work.
type Kind string

const (
	KindSearchAd     Kind = "search_ad"
	KindShoppingAd   Kind = "shopping_ad"
	KindLiveCommerce Kind = "live_commerce"
	KindSmartStore   Kind = "smart_store"
	KindShortClip    Kind = "short_clip"
	KindSNS          Kind = "sns"
)

// Kinds in the order SPEC §1 lists them.
var Kinds = []Kind{KindSearchAd, KindShoppingAd, KindLiveCommerce, KindSmartStore, KindShortClip, KindSNS}

// AdKinds are the kinds whose revenue an ad bought: a team's or program's
// ad_roas_pct divides their revenue by their spend only (SPEC §2).
var AdKinds = []Kind{KindSearchAd, KindShoppingAd}

// Program statuses.
const (
	ProgramPlanning = "planning"
	ProgramActive   = "active"
	ProgramClosed   = "closed"
)

// Sales channels.
const (
	ChannelOnline  = "online"
	ChannelOffline = "offline"
	ChannelAll     = "all"
)

// Team member roles.
const (
	MemberLeader = "leader"
	MemberMember = "member"
)

// Staff roles of a program.
const (
	StaffProfessor = "professor"
	StaffCity      = "city"
)

// Locales a user may choose.
const (
	LocaleKo = "ko"
	LocaleEn = "en"
)

func oneOf[T ~string](v T, set ...T) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

func listOf[T ~string](set []T) string {
	parts := make([]string, len(set))
	for i, s := range set {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

// ValidRole, ValidKind and ValidStatus check enum values from requests.
func ValidRole(r Role) bool     { return oneOf(r, Roles...) }
func ValidKind(k Kind) bool     { return oneOf(k, Kinds...) }
func ValidStatus(s Status) bool { return oneOf(s, Statuses...) }
func kindList() string          { return listOf(Kinds) }
func roleList() string          { return listOf(Roles) }
func statusList() string        { return listOf(Statuses) }
func nowUTC() time.Time         { return time.Now().UTC().Truncate(time.Microsecond) }
func ptr[T any](v T) *T         { return &v }
func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// ParseStatuses reads the statuses= filter ("approved,submitted"). An empty
// string gives def. The result is in canonical order without repeats.
func ParseStatuses(raw string, def []Status) ([]Status, error) {
	if strings.TrimSpace(raw) == "" {
		return def, nil
	}
	seen := map[Status]bool{}
	for _, part := range strings.Split(raw, ",") {
		s := Status(strings.TrimSpace(part))
		if !ValidStatus(s) {
			return nil, Invalid("statuses", "unknown status "+quote(string(s))+"; use "+statusList())
		}
		seen[s] = true
	}
	out := make([]Status, 0, len(seen))
	for _, s := range Statuses {
		if seen[s] {
			out = append(out, s)
		}
	}
	return out, nil
}

func quote(s string) string { return "\"" + s + "\"" }

// timeMonth converts a month offset for civil dates.
func timeMonth(n int) time.Month { return time.Month(n) }
