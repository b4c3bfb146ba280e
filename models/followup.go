package models

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// Follow-ups after a program ends (SPEC §13.2): closing a program schedules,
// per participating team, one follow-up per entry of followup_months, due
// that many months after the program's last day; the merchant (or the staff
// on the merchant's behalf) answers whether they still sell online.

// DefaultFollowupMonths is followup_months of a new program.
func DefaultFollowupMonths() []int { return []int{3, 6} }

// maxFollowupMonths bounds an entry of followup_months (five years).
const maxFollowupMonths = 60

// AfterFind gives a program stored without follow-up months (rows written
// before they existed, or inserted directly) the default.
func (p *Program) AfterFind(*gorm.DB) error {
	if p.FollowupMonths == nil {
		p.FollowupMonths = DefaultFollowupMonths()
	}
	return nil
}

func checkFollowupMonths(pr Problems, months []int) {
	seen := map[int]bool{}
	for i, m := range months {
		field := fmt.Sprintf("followup_months[%d]", i)
		switch {
		case m < 1 || m > maxFollowupMonths:
			pr.Add(field, fmt.Sprintf("must be a whole number of months from 1 to %d", maxFollowupMonths))
		case seen[m]:
			pr.Add(field, "is listed twice")
		}
		seen[m] = true
	}
	pr.Check(len(months) > 12, "followup_months", "must list at most 12 entries")
}

// AddMonths is d plus n calendar months: the same day of the month, or the
// month's last day where it has none (31 Jan + 1 month = 28 or 29 Feb).
func AddMonths(d civil.Date, n int) civil.Date {
	first := time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	day := min(d.Day, last)
	return civil.Date{Year: first.Year(), Month: first.Month(), Day: day}
}

// FollowUp is one scheduled check on a team's merchant after the program.
type FollowUp struct {
	ID                 uint64      `json:"id" gorm:"primaryKey"`
	TeamID             uint64      `json:"team_id" gorm:"not null;uniqueIndex:idx_followup_team_months"`
	ProgramID          uint64      `json:"program_id" gorm:"not null;index"`
	Months             int         `json:"months" gorm:"not null;uniqueIndex:idx_followup_team_months"`
	DueOn              civil.Date  `json:"due_on" gorm:"type:date;not null"`
	AnsweredOn         *civil.Date `json:"answered_on" gorm:"type:date"`
	StillSellingOnline *bool       `json:"still_selling_online"`
	ChannelsActive     []Kind      `json:"channels_active" gorm:"serializer:json;type:text;not null"`
	MonthlySalesKRW    *int64      `json:"monthly_sales_krw" gorm:"column:monthly_sales_krw"`
	// Note is the merchant's own words; city staff never receive it.
	Note       *string `json:"note,omitempty"`
	AnsweredBy *uint64 `json:"answered_by"`
	// AnsweredByStaff says the staff answered on the merchant's behalf.
	AnsweredByStaff bool      `json:"answered_by_staff" gorm:"not null;default:false"`
	Version         int64     `json:"version" gorm:"not null;default:1"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	TeamName        string    `json:"team_name" gorm:"-"`
	MerchantID      uint64    `json:"merchant_id" gorm:"-"`
	MerchantName    string    `json:"merchant_name" gorm:"-"`
	// Overdue: due, not answered, as of today.
	Overdue bool `json:"overdue" gorm:"-"`
}

// TableName is "follow_ups".
func (FollowUp) TableName() string { return "follow_ups" }

// AfterFind keeps channels_active a list in every answer.
func (f *FollowUp) AfterFind(*gorm.DB) error {
	if f.ChannelsActive == nil {
		f.ChannelsActive = []Kind{}
	}
	return nil
}

// followUpTeams are the teams of a program that get follow-ups: not its
// comparison teams (SPEC §13.2), whose merchants were never in the program.
func followUpTeams(tx *gorm.DB, programID uint64) ([]Team, error) {
	var teams []Team
	if err := tx.Where("program_id = ? AND NOT comparison", programID).Order("id").Find(&teams).Error; err != nil {
		return nil, fmt.Errorf("program teams: %w", err)
	}
	return teams, nil
}

// scheduleFollowUps creates the program's missing (team, months) follow-ups;
// it runs inside the transaction that closes the program, so closing,
// reopening and closing again creates nothing twice.
func scheduleFollowUps(tx *gorm.DB, p *Program) ([]audit, error) {
	teams, err := followUpTeams(tx, p.ID)
	if err != nil {
		return nil, err
	}
	if len(teams) == 0 || len(p.FollowupMonths) == 0 {
		return nil, nil
	}
	teamIDs := make([]uint64, len(teams))
	for i, t := range teams {
		teamIDs[i] = t.ID
	}
	var existing []FollowUp
	if err := tx.Select("team_id", "months").Where("team_id IN ?", teamIDs).Find(&existing).Error; err != nil {
		return nil, fmt.Errorf("existing follow-ups: %w", err)
	}
	have := map[[2]uint64]bool{}
	for _, f := range existing {
		have[[2]uint64{f.TeamID, uint64(f.Months)}] = true
	}
	var rows []FollowUp
	for _, t := range teams {
		for _, m := range p.FollowupMonths {
			if have[[2]uint64{t.ID, uint64(m)}] {
				continue
			}
			rows = append(rows, FollowUp{TeamID: t.ID, ProgramID: p.ID, Months: m, DueOn: AddMonths(p.EndsOn, m),
				ChannelsActive: []Kind{}, Version: 1})
		}
	}
	if len(rows) == 0 {
		return nil, nil
	}
	if err := tx.Create(&rows).Error; err != nil {
		return nil, fmt.Errorf("create follow-ups: %w", err)
	}
	events := make([]audit, len(rows))
	for i, f := range rows {
		events[i] = audit{action: "create", entity: "followup", entityID: f.ID, programID: p.ID, after: f}
	}
	return events, nil
}

// FollowUpAnswer is the merchant's answer to a follow-up.
type FollowUpAnswer struct {
	AnsweredOn         *civil.Date
	StillSellingOnline *bool
	ChannelsActive     []Kind
	MonthlySalesKRW    *int64
	Note               *string
	Version            *int64
}

func (in FollowUpAnswer) apply(f *FollowUp) error {
	p := Problems{}
	p.Check(in.AnsweredOn == nil || in.AnsweredOn.IsZero(), "answered_on", "is required")
	p.Check(in.StillSellingOnline == nil, "still_selling_online", "is required")
	channels := []Kind{}
	for i, k := range in.ChannelsActive {
		if !ValidKind(k) {
			p.Add(fmt.Sprintf("channels_active[%d]", i), "must be one of "+kindList())
			continue
		}
		if !slices.Contains(channels, k) {
			channels = append(channels, k)
		}
	}
	p.Check(in.MonthlySalesKRW != nil && *in.MonthlySalesKRW < 0, "monthly_sales_krw", "must not be negative")
	if in.Note != nil {
		checkText(p, "note", *in.Note, 4000, false)
	}
	if err := p.Err(); err != nil {
		return err
	}
	f.AnsweredOn = in.AnsweredOn
	f.StillSellingOnline = in.StillSellingOnline
	f.ChannelsActive = channels
	f.MonthlySalesKRW = in.MonthlySalesKRW
	f.Note = nil
	if in.Note != nil && strings.TrimSpace(*in.Note) != "" {
		f.Note = ptr(strings.TrimSpace(*in.Note))
	}
	return nil
}

// AnswerFollowUp records the answer to a follow-up: by the merchant's owner,
// or by the program's staff on the merchant's behalf (answered_by_staff).
// Answering again replaces the answer (send the version). Allowed on a
// closed program.
func (s *Store) AnswerFollowUp(ctx context.Context, actor Actor, id uint64, in FollowUpAnswer) (*FollowUp, error) {
	var out *FollowUp
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		var f FollowUp
		if err := first(tx, &f, id); err != nil {
			return nil, err
		}
		_, rel, err := loadTeam(tx, actor, f.TeamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canAnswerFollowUp()); err != nil {
			return nil, err
		}
		if err := checkVersion(in.Version, f.Version); err != nil {
			return nil, err
		}
		if f.AnsweredOn != nil && in.Version == nil {
			return nil, Invalid("version", "is required to change an answer")
		}
		before := f
		if err := in.apply(&f); err != nil {
			return nil, err
		}
		f.AnsweredBy = ptr(actor.UserID)
		f.AnsweredByStaff = !rel.has(relOwner)
		f.Version++
		if err := saveVersioned(tx, &f, f.ID, before.Version); err != nil {
			return nil, err
		}
		out = &f
		// The note is the merchant's own words: the audit log keeps that
		// an answer was given, not the text (city staff may not read it).
		after := f
		before.Note, after.Note = nil, nil
		return []audit{{action: "answer", entity: "followup", entityID: f.ID, programID: f.ProgramID, before: before, after: after}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.fillFollowUps(s.db.WithContext(ctx), []*FollowUp{out}, true)
}

// FollowUpFilter narrows a follow-up list: "open" (not answered), "overdue"
// (due and not answered), "answered", or "" for all.
type FollowUpFilter struct {
	State string
}

// ListFollowUps lists a program's follow-ups: all of them for its staff and
// city staff (city staff without notes), their own teams' for a merchant's
// owner and a team's students.
func (s *Store) ListFollowUps(ctx context.Context, actor Actor, programID uint64, filter FollowUpFilter, opt ListOptions) (Page[FollowUp], error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadProgram(tx, actor, programID)
	if err != nil {
		return Page[FollowUp]{}, err
	}
	q := tx.Model(&FollowUp{}).Where("program_id = ?", programID).Where("team_id IN (?)", readableTeamIDs(tx, actor))
	today := s.today()
	switch filter.State {
	case "":
	case "open":
		q = q.Where("answered_on IS NULL")
	case "overdue":
		q = q.Where("answered_on IS NULL AND due_on < ?", today)
	case "answered":
		q = q.Where("answered_on IS NOT NULL")
	default:
		return Page[FollowUp]{}, Invalid("state", "must be open, overdue or answered")
	}
	page, err := paginate(q, "id", opt, func(f FollowUp) uint64 { return f.ID })
	if err != nil {
		return page, err
	}
	ptrs := make([]*FollowUp, len(page.Items))
	for i := range page.Items {
		ptrs[i] = &page.Items[i]
	}
	return page, s.fillFollowUps(tx, ptrs, rel.seesFollowUpNotes())
}

// fillFollowUps adds team and merchant names and the overdue flag in two
// queries, and drops notes the reader may not see.
func (s *Store) fillFollowUps(tx *gorm.DB, fs []*FollowUp, notes bool) error {
	if len(fs) == 0 {
		return nil
	}
	today := s.today()
	ids := make([]uint64, 0, len(fs))
	for _, f := range fs {
		ids = append(ids, f.TeamID)
		f.Overdue = f.AnsweredOn == nil && f.DueOn.Before(today)
		if !notes {
			f.Note = nil
		}
	}
	var teams []Team
	if err := tx.Where("id IN ?", ids).Find(&teams).Error; err != nil {
		return fmt.Errorf("follow-up teams: %w", err)
	}
	mids := make([]uint64, 0, len(teams))
	byID := map[uint64]Team{}
	for _, t := range teams {
		byID[t.ID] = t
		mids = append(mids, t.MerchantID)
	}
	var merchants []Merchant
	if err := tx.Where("id IN ?", mids).Find(&merchants).Error; err != nil {
		return fmt.Errorf("follow-up merchants: %w", err)
	}
	names := map[uint64]string{}
	for _, m := range merchants {
		names[m.ID] = m.Name
	}
	for _, f := range fs {
		t := byID[f.TeamID]
		f.TeamName, f.MerchantID, f.MerchantName = t.Name, t.MerchantID, names[t.MerchantID]
	}
	return nil
}

// Sustainability is one follow-up round of the program report (SPEC
// §13.2): of the follow-ups `months` after the end, how many are due, how
// many answered, how many of those still sell online.
type Sustainability struct {
	Months        int      `json:"months"`
	Due           int      `json:"due"`
	Answered      int      `json:"answered"`
	Continuing    int      `json:"continuing"`
	ContinuingPct *float64 `json:"continuing_pct"`
}

// programSustainability counts a program's follow-ups per round: the rounds
// of followup_months and any others follow-ups were scheduled for.
func programSustainability(tx *gorm.DB, p *Program, today civil.Date) ([]Sustainability, error) {
	var rows []FollowUp
	if err := tx.Where("program_id = ?", p.ID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load follow-ups: %w", err)
	}
	by := map[int]*Sustainability{}
	round := func(m int) *Sustainability {
		if by[m] == nil {
			by[m] = &Sustainability{Months: m}
		}
		return by[m]
	}
	for _, m := range p.FollowupMonths {
		round(m)
	}
	for _, f := range rows {
		r := round(f.Months)
		if !today.Before(f.DueOn) {
			r.Due++
		}
		if f.AnsweredOn != nil {
			r.Answered++
			if (f.StillSellingOnline != nil && *f.StillSellingOnline) || len(f.ChannelsActive) > 0 {
				r.Continuing++
			}
		}
	}
	out := make([]Sustainability, 0, len(by))
	for _, r := range by {
		if r.Answered > 0 {
			r.ContinuingPct = ptr(float64(r.Continuing) / float64(r.Answered) * 100)
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Months < out[j].Months })
	return out, nil
}
