package models

import (
	"encoding/json"
	"time"

	"github.com/nalgae/nalgae/models/auditchain"
	"github.com/nalgae/nalgae/models/civil"
)

// The stored entities of SPEC §1. Their JSON tags are the API's answer shape;
// requests never bind into them (see the api package's request types).

// User is a person who logs in.
type User struct {
	ID           uint64    `json:"id" gorm:"primaryKey"`
	Email        string    `json:"email,omitempty" gorm:"uniqueIndex;not null"` // stored lower-cased
	Name         string    `json:"name" gorm:"not null"`
	Role         Role      `json:"role" gorm:"not null"`
	Locale       string    `json:"locale" gorm:"not null;default:ko"`
	Disabled     bool      `json:"disabled" gorm:"not null;default:false"`
	PasswordHash string    `json:"-" gorm:"not null"`
	TokenVersion int64     `json:"-" gorm:"not null;default:0"` // in every access token: a bump refuses them all at once
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Program is one city's run of the course.
type Program struct {
	ID         uint64     `json:"id" gorm:"primaryKey"`
	Name       string     `json:"name" gorm:"not null"`
	City       string     `json:"city" gorm:"not null"`
	University string     `json:"university" gorm:"not null"`
	Partner    string     `json:"partner" gorm:"not null"`
	Course     string     `json:"course" gorm:"not null"`
	StartsOn   civil.Date `json:"starts_on" gorm:"type:date;not null"`
	EndsOn     civil.Date `json:"ends_on" gorm:"type:date;not null"`
	Status     string     `json:"status" gorm:"not null"`
	// FollowupMonths are the months after ends_on at which closing the
	// program schedules follow-ups (SPEC §13.2).
	FollowupMonths []int     `json:"followup_months" gorm:"serializer:json;type:text;not null"`
	Version        int64     `json:"version" gorm:"not null;default:1"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// ProgramStaff says which professors teach and which city staff view a program.
type ProgramStaff struct {
	ID        uint64    `json:"id" gorm:"primaryKey"`
	ProgramID uint64    `json:"program_id" gorm:"not null;uniqueIndex:idx_staff_program_user"`
	UserID    uint64    `json:"user_id" gorm:"not null;uniqueIndex:idx_staff_program_user;index"`
	Role      string    `json:"role" gorm:"not null"`
	Name      string    `json:"name,omitempty" gorm:"-"`
	Email     string    `json:"email,omitempty" gorm:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the plural gorm would not guess.
func (ProgramStaff) TableName() string { return "program_staff" }

// Merchant is a small business (소상공인) taking part.
type Merchant struct {
	ID              uint64    `json:"id" gorm:"primaryKey"`
	Name            string    `json:"name" gorm:"not null"`
	Category        string    `json:"category" gorm:"not null"`
	Region          string    `json:"region" gorm:"not null"`
	SmartStoreURL   string    `json:"smart_store_url" gorm:"column:smart_store_url;not null"`
	HasOfflineStore bool      `json:"has_offline_store" gorm:"not null"`
	OwnerUserID     *uint64   `json:"owner_user_id" gorm:"index"`
	Version         int64     `json:"version" gorm:"not null;default:1"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Team pairs students with one merchant in one program.
type Team struct {
	ID         uint64       `json:"id" gorm:"primaryKey"`
	ProgramID  uint64       `json:"program_id" gorm:"not null;index"`
	Name       string       `json:"name" gorm:"not null"`
	MerchantID uint64       `json:"merchant_id" gorm:"not null;index"`
	Comparison bool         `json:"comparison" gorm:"not null;default:false"` // a merchant outside the program, for SPEC §10.2
	Version    int64        `json:"version" gorm:"not null;default:1"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
	Merchant   *Merchant    `json:"merchant,omitempty" gorm:"-"`
	Members    []TeamMember `json:"members" gorm:"-"`
}

// TeamMember is a student on a team.
type TeamMember struct {
	ID        uint64    `json:"id" gorm:"primaryKey"`
	TeamID    uint64    `json:"team_id" gorm:"not null;uniqueIndex:idx_member_team_user"`
	UserID    uint64    `json:"user_id" gorm:"not null;uniqueIndex:idx_member_team_user;index"`
	Role      string    `json:"role" gorm:"not null"`
	Name      string    `json:"name,omitempty" gorm:"-"`
	Email     string    `json:"email,omitempty" gorm:"-"` // hidden from city staff and merchants
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Campaign is one line of work of a team: search ads, a live broadcast series…
type Campaign struct {
	ID            uint64     `json:"id" gorm:"primaryKey"`
	TeamID        uint64     `json:"team_id" gorm:"not null;index"`
	Kind          Kind       `json:"kind" gorm:"not null"`
	Name          string     `json:"name" gorm:"not null"`
	StartsOn      civil.Date `json:"starts_on" gorm:"type:date;not null"`
	EndsOn        civil.Date `json:"ends_on" gorm:"type:date"`
	BudgetKRW     int64      `json:"budget_krw" gorm:"column:budget_krw;not null;default:0"`
	TargetRoasPct *float64   `json:"target_roas_pct"`
	Version       int64      `json:"version" gorm:"not null;default:1"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// MetricEntry is one campaign's results of one day.
type MetricEntry struct {
	ID          uint64     `json:"id" gorm:"primaryKey"`
	CampaignID  uint64     `json:"campaign_id" gorm:"not null;uniqueIndex:idx_metric_campaign_date"`
	Date        civil.Date `json:"date" gorm:"type:date;not null;uniqueIndex:idx_metric_campaign_date"`
	SpendKRW    int64      `json:"spend_krw" gorm:"column:spend_krw;not null;default:0"`
	Impressions int64      `json:"impressions" gorm:"not null;default:0"`
	Clicks      int64      `json:"clicks" gorm:"not null;default:0"`
	Conversions int64      `json:"conversions" gorm:"not null;default:0"`
	RevenueKRW  int64      `json:"revenue_krw" gorm:"column:revenue_krw;not null;default:0"`
	Viewers     *int64     `json:"viewers"`
	PeakViewers *int64     `json:"peak_viewers"`
	Likes       *int64     `json:"likes"`
	Comments    *int64     `json:"comments"`
	DurationMin *int64     `json:"duration_min"`
	Status      Status     `json:"status" gorm:"not null"`
	ReviewNote  string     `json:"review_note" gorm:"not null;default:''"`
	Source      string     `json:"source" gorm:"not null;default:manual"`
	ReviewedBy  *uint64    `json:"reviewed_by"`
	ReviewedAt  *time.Time `json:"reviewed_at"`
	Version     int64      `json:"version" gorm:"not null;default:1"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	TeamID      uint64     `json:"team_id,omitempty" gorm:"-"`
	// EvidenceCount is how many evidence files the entry has (SPEC §14.2);
	// filled in lists and the review queue, absent when none.
	EvidenceCount int `json:"evidence_count,omitempty" gorm:"-"`
}

// TableName is "metric_entries".
func (MetricEntry) TableName() string { return "metric_entries" }

// SalesRecord is the merchant's own sales over a period: the base of growth.
type SalesRecord struct {
	ID          uint64     `json:"id" gorm:"primaryKey"`
	TeamID      uint64     `json:"team_id" gorm:"not null;index"`
	PeriodStart civil.Date `json:"period_start" gorm:"type:date;not null"`
	PeriodEnd   civil.Date `json:"period_end" gorm:"type:date;not null"`
	Channel     string     `json:"channel" gorm:"not null"`
	SalesKRW    int64      `json:"sales_krw" gorm:"column:sales_krw;not null"`
	Orders      *int64     `json:"orders"`
	Status      Status     `json:"status" gorm:"not null"`
	ReviewNote  string     `json:"review_note" gorm:"not null;default:''"`
	Source      string     `json:"source" gorm:"not null;default:manual"`
	ReviewedBy  *uint64    `json:"reviewed_by"`
	ReviewedAt  *time.Time `json:"reviewed_at"`
	ConfirmedBy *uint64    `json:"confirmed_by"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
	Version     int64      `json:"version" gorm:"not null;default:1"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`

	// ConfirmedByName is who confirmed, by name; filled when answering,
	// never stored or audited (a name changes, the id does not).
	ConfirmedByName string `json:"confirmed_by_name" gorm:"-"`
	// EvidenceCount is how many evidence files the record has (SPEC §14.2);
	// filled in lists and the review queue, absent when none.
	EvidenceCount int `json:"evidence_count,omitempty" gorm:"-"`
}

// Comment is a note on a team, optionally anchored to a campaign or an entry.
type Comment struct {
	ID         uint64    `json:"id" gorm:"primaryKey"`
	TeamID     uint64    `json:"team_id" gorm:"not null;index"`
	CampaignID *uint64   `json:"campaign_id"`
	MetricID   *uint64   `json:"metric_id"`
	AuthorID   uint64    `json:"author_id" gorm:"not null"`
	AuthorName string    `json:"author_name" gorm:"-"`
	Body       string    `json:"body" gorm:"not null"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Evaluation is a professor's grade of a team against the rubric.
type Evaluation struct {
	ID            uint64         `json:"id" gorm:"primaryKey"`
	TeamID        uint64         `json:"team_id" gorm:"not null;index"`
	AuthorID      uint64         `json:"author_id" gorm:"not null"`
	Scores        map[string]int `json:"scores" gorm:"serializer:json;type:text;not null"`
	Total         int            `json:"total" gorm:"not null"`
	Feedback      string         `json:"feedback" gorm:"not null;default:''"`
	VisibleToTeam bool           `json:"visible_to_team" gorm:"not null;default:false"`
	Version       int64          `json:"version" gorm:"not null;default:1"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
}

// AuditEvent records one write. The table refuses updates and deletes.
type AuditEvent struct {
	ID        uint64    `json:"id" gorm:"primaryKey"`
	At        time.Time `json:"at" gorm:"not null;index"`
	UserID    *uint64   `json:"user_id" gorm:"index"`
	Action    string    `json:"action" gorm:"not null"`
	Entity    string    `json:"entity" gorm:"not null;index:idx_audit_entity"`
	EntityID  *uint64   `json:"entity_id" gorm:"index:idx_audit_entity"`
	ProgramID *uint64   `json:"program_id" gorm:"index"`
	Before    RawJSON   `json:"before" gorm:"type:text"`
	After     RawJSON   `json:"after" gorm:"type:text"`
	IP        string    `json:"ip" gorm:"column:ip;not null;default:''"`
	// PrevHash is the Hash of the event before this one (auditchain.Genesis
	// for the first); Hash covers this event's content and PrevHash, so
	// that changing or removing an event breaks the chain (VerifyAuditChain).
	PrevHash string `json:"prev_hash" gorm:"not null;default:''"`
	Hash     string `json:"hash" gorm:"not null;default:''"`
	// Chain is the chain (1 to AuditChains) the event is linked into: its
	// PrevHash is the hash of the event before it in that chain.
	Chain     uint64    `json:"chain" gorm:"not null;default:1"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// chainEvent is the part of the event its hash covers.
func (e *AuditEvent) chainEvent() auditchain.Event {
	return auditchain.Event{
		PrevHash: e.PrevHash, At: e.At, UserID: e.UserID, Action: e.Action, Entity: e.Entity,
		EntityID: e.EntityID, ProgramID: e.ProgramID, Before: string(e.Before), After: string(e.After), IP: e.IP,
	}
}

// AuditChainHead is the end of one audit chain: its last event, that
// event's hash and how many events the chain holds. Appending an event locks
// its chain's head, so that concurrent writers of one chain append one after
// the other instead of forking it; and a verifier compares each chain's end
// with its head, so that removing the newest events is noticed too. The log
// has AuditChains chains, so that writers do not all queue on one row.
type AuditChainHead struct {
	ID        uint64 `gorm:"primaryKey"`
	LastID    uint64 `gorm:"not null"`
	LastHash  string `gorm:"not null"`
	Events    int64  `gorm:"not null"`
	UpdatedAt time.Time
}

// TableName names the table of chain heads.
func (AuditChainHead) TableName() string { return "audit_chain_head" }

// AuditChains is how many chains the audit log has (heads 1 to AuditChains,
// created by the migration 20261233_audit_chains).
const AuditChains = 64

// RefreshToken is the hash of an opaque refresh token. Tokens of one login
// share a family; replaying a used token revokes the family.
type RefreshToken struct {
	ID        uint64    `gorm:"primaryKey"`
	UserID    uint64    `gorm:"not null;index"`
	FamilyID  string    `gorm:"not null;index"`
	TokenHash string    `gorm:"not null;uniqueIndex"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// LoginFailure is one failed (or, while it is being checked, attempted)
// login, counted per account and per client address by the login throttle.
type LoginFailure struct {
	ID      uint64    `gorm:"primaryKey"`
	Email   string    `gorm:"not null"` // as typed, normalised; the account need not exist
	IP      string    `gorm:"column:ip;not null"`
	At      time.Time `gorm:"not null"`
	Cleared bool      `gorm:"not null;default:false"`
}

// RawJSON is JSON kept as text in the database and written as-is in answers.
type RawJSON string

// MarshalJSON writes the stored JSON, or null.
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if r == "" {
		return []byte("null"), nil
	}
	return []byte(r), nil
}

// UnmarshalJSON keeps the JSON as it came, so that Go clients can read
// answers that carry stored JSON.
func (r *RawJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = ""
		return nil
	}
	*r = RawJSON(b)
	return nil
}

func toRawJSON(v any) RawJSON {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return RawJSON(b)
}
