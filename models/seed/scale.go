package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
)

// ScaleResult says what SeedScale wrote and how to log in to it. Its JSON is
// what `nalgae seed --scale N --json` prints for the benchmark program.
type ScaleResult struct {
	ProgramID          uint64 `json:"program_id"`
	Teams              int    `json:"teams"`
	Campaigns          int    `json:"campaigns"`
	Entries            int    `json:"entries"`
	Sales              int    `json:"sales"`
	Password           string `json:"password"`
	Professor          string `json:"professor"`
	City               string `json:"city"`
	StudentEmailFormat string `json:"student_email_format"` // fmt format of team i's student, i from 0
}

// The shape of a synthetic program: every team runs scaleCampaigns campaigns
// of scaleDays daily entries each, the k-th starting scaleStagger days after
// the (k-1)-th, and keeps a daily sales record over both growth windows.
const (
	scaleCampaigns = 4
	scaleDays      = 365
	scaleStagger   = 7
	// scaleTeamOffsets spreads the teams' first campaign day over four weeks,
	// so that teams' growth windows differ as they do in a real program.
	scaleTeamOffsets = 28
)

// scaleStart is the first campaign day of team 0. Fixed, not relative to
// today, so that the same n always gives the same rows; every date the seed
// writes is long past.
var scaleStart = civil.MustParse("2025-01-06")

// scaleAfterDays is the length of a team's default "after" window: from its
// first campaign's start to its last campaign's end.
const scaleAfterDays = (scaleCampaigns-1)*scaleStagger + scaleDays

// SeedScale writes a deterministic synthetic program of n teams for
// benchmarks: each team one student and one merchant, four campaigns of mixed
// kinds (search ads always, three of the other kinds in turn) with 365 daily
// entries each, and one sales record a day (channel "all") over the team's
// before and after windows. About 95% of entries and sales are approved, the
// rest submitted or draft. One professor and one city official staff the
// program. The same n always gives the same rows (fixed random seed). Rows
// are written in one transaction with multi-row INSERTs, bypassing per-row
// checks (they are valid by construction), with one audit event.
func Scale(ctx context.Context, s *models.Store, n int) (*ScaleResult, error) {
	if n < 1 || n > 100_000 {
		return nil, fmt.Errorf("scale must be between 1 and 100000, not %d", n)
	}
	password := fmt.Sprintf("scale-%d-password", n)
	hash, err := models.HashPassword(password)
	if err != nil {
		return nil, err
	}
	res := &ScaleResult{Teams: n, Password: password}
	err = s.Load(ctx, func(l *models.Loader) error {
		now := time.Now().UTC().Truncate(time.Microsecond)
		sd := &scaleSeeder{l: l, n: n, hash: hash, res: res, now: now, nowText: now.Format(database.TimeLayout),
			rng: rand.New(rand.NewPCG(uint64(n), 2026))}
		if err := sd.program(); err != nil {
			return err
		}
		const batch = 500
		for first := 0; first < n; first += batch {
			if err := sd.teams(first, min(first+batch, n)); err != nil {
				return err
			}
		}
		return l.Audit(models.Actor{Role: models.RoleAdmin, IP: "seed"}, "import", "program", res.ProgramID, res.ProgramID, res)
	})
	if err != nil {
		return nil, fmt.Errorf("seed scale %d: %w", n, err)
	}
	return res, nil
}

// scaleSeeder holds what one SeedScale run shares between its batches.
type scaleSeeder struct {
	l           *models.Loader
	n           int
	hash        string
	res         *ScaleResult
	now         time.Time
	nowText     string // the rows' timestamps, as text both databases read back alike
	rng         *rand.Rand
	programID   uint64
	professorID uint64
}

// program writes the program and its two staff members.
func (sd *scaleSeeder) program() error {
	tag, err := sd.l.Count(&models.Program{}) // several scale programs may live side by side
	if err != nil {
		return err
	}
	lastDay := scaleStart.AddDays(scaleTeamOffsets - 1 + scaleAfterDays - 1)
	p := models.Program{Name: fmt.Sprintf("Scale %d (#%d)", sd.n, tag+1), City: "합성시", University: "합성대학교", Partner: "네이버",
		Course: "콘텐츠마케팅", StartsOn: scaleStart, EndsOn: lastDay, Status: models.ProgramActive, Version: 1}
	if err := sd.l.Insert(&p); err != nil {
		return fmt.Errorf("program: %w", err)
	}
	sd.programID, sd.res.ProgramID = p.ID, p.ID
	sd.res.Professor = fmt.Sprintf("scale%d-professor@synthetic.nalgae", p.ID)
	sd.res.City = fmt.Sprintf("scale%d-city@synthetic.nalgae", p.ID)
	sd.res.StudentEmailFormat = fmt.Sprintf("scale%d-s%%d@synthetic.nalgae", p.ID)
	staff := []models.User{
		{Email: sd.res.Professor, Name: "합성 교수", Role: models.RoleProfessor, Locale: models.LocaleKo, PasswordHash: sd.hash},
		{Email: sd.res.City, Name: "합성시 담당자", Role: models.RoleCity, Locale: models.LocaleKo, PasswordHash: sd.hash},
	}
	if err := sd.l.Insert(&staff); err != nil {
		return fmt.Errorf("staff users: %w", err)
	}
	sd.professorID = staff[0].ID
	links := []models.ProgramStaff{
		{ProgramID: p.ID, UserID: staff[0].ID, Role: models.StaffProfessor},
		{ProgramID: p.ID, UserID: staff[1].ID, Role: models.StaffCity},
	}
	if err := sd.l.Insert(&links); err != nil {
		return fmt.Errorf("program staff: %w", err)
	}
	return nil
}

// scaleKinds are the kinds of team i's campaigns: search ads always (the
// benchmark imports a SearchAd report), then three of the other five in turn.
func scaleKinds(i int) [scaleCampaigns]models.Kind {
	others := models.Kinds[1:]
	return [scaleCampaigns]models.Kind{models.KindSearchAd, others[i%len(others)], others[(i+1)%len(others)], others[(i+2)%len(others)]}
}

// scaleTeamStart is the first campaign day of team i.
func scaleTeamStart(i int) civil.Date { return scaleStart.AddDays(i % scaleTeamOffsets) }

// teams writes teams [first,last) with their people, campaigns, entries and sales.
func (sd *scaleSeeder) teams(first, last int) error {
	users := make([]models.User, 0, 2*(last-first))
	for i := first; i < last; i++ {
		users = append(users,
			models.User{Email: fmt.Sprintf(sd.res.StudentEmailFormat, i), Name: fmt.Sprintf("학생 %d", i), Role: models.RoleStudent, Locale: models.LocaleKo, PasswordHash: sd.hash},
			models.User{Email: fmt.Sprintf("scale%d-m%d@synthetic.nalgae", sd.programID, i), Name: fmt.Sprintf("사장 %d", i), Role: models.RoleMerchant, Locale: models.LocaleKo, PasswordHash: sd.hash})
	}
	if err := sd.l.Insert(&users); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	merchants := make([]models.Merchant, 0, last-first)
	for i := range last - first {
		owner := users[2*i+1].ID
		merchants = append(merchants, models.Merchant{Name: fmt.Sprintf("합성상점 %d", first+i), Category: "잡화", Region: "합성구",
			HasOfflineStore: i%2 == 0, OwnerUserID: &owner, Version: 1})
	}
	if err := sd.l.Insert(&merchants); err != nil {
		return fmt.Errorf("merchants: %w", err)
	}
	teams := make([]models.Team, 0, last-first)
	for i, m := range merchants {
		teams = append(teams, models.Team{ProgramID: sd.programID, Name: fmt.Sprintf("팀 %d", first+i), MerchantID: m.ID, Version: 1})
	}
	if err := sd.l.Insert(&teams); err != nil {
		return fmt.Errorf("teams: %w", err)
	}
	members := make([]models.TeamMember, 0, len(teams))
	campaigns := make([]models.Campaign, 0, scaleCampaigns*len(teams))
	for i, t := range teams {
		members = append(members, models.TeamMember{TeamID: t.ID, UserID: users[2*i].ID, Role: models.MemberLeader})
		start := scaleTeamStart(first + i)
		for j, k := range scaleKinds(first + i) {
			cs := start.AddDays(j * scaleStagger)
			campaigns = append(campaigns, models.Campaign{TeamID: t.ID, Kind: k, Name: fmt.Sprintf("%s %d", k, first+i),
				StartsOn: cs, EndsOn: cs.AddDays(scaleDays - 1), BudgetKRW: 3_000_000, Version: 1})
		}
	}
	if err := sd.l.Insert(&members); err != nil {
		return fmt.Errorf("members: %w", err)
	}
	if err := sd.l.Insert(&campaigns); err != nil {
		return fmt.Errorf("campaigns: %w", err)
	}
	if err := sd.entries(campaigns); err != nil {
		return err
	}
	if err := sd.sales(first, teams); err != nil {
		return err
	}
	sd.res.Campaigns += len(campaigns)
	return nil
}

// scaleStatus draws a review status: about 95% approved, 3% submitted, 2% draft.
func (sd *scaleSeeder) scaleStatus() models.Status {
	switch r := sd.rng.IntN(100); {
	case r < 95:
		return models.StatusApproved
	case r < 98:
		return models.StatusSubmitted
	default:
		return models.StatusDraft
	}
}

// review is the reviewer and time of an approved row, NULL for the others.
func (sd *scaleSeeder) review(st models.Status) (any, any) {
	if st != models.StatusApproved {
		return nil, nil
	}
	return sd.professorID, sd.nowText
}

// constants are the columns every seeded row shares, written into the
// INSERT's text once rather than bound a million times.
func (sd *scaleSeeder) constants() []database.BulkConstant {
	return []database.BulkConstant{{Column: "review_note", Literal: "''", Value: ""},
		{Column: "source", Literal: "'seed:scale'", Value: "seed:scale"}, {Column: "version", Literal: "1", Value: int64(1)},
		{Column: "created_at", Literal: "'" + sd.nowText + "'", Value: sd.now},
		{Column: "updated_at", Literal: "'" + sd.nowText + "'", Value: sd.now}}
}

var entryColumns = []string{"campaign_id", "date", "spend_krw", "impressions", "clicks", "conversions", "revenue_krw",
	"viewers", "peak_viewers", "likes", "comments", "duration_min", "status", "reviewed_by", "reviewed_at"}

func (sd *scaleSeeder) entries(campaigns []models.Campaign) error {
	ins, err := sd.l.Bulk("metric_entries", entryColumns, sd.constants())
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, c := range campaigns {
		for d := range scaleDays {
			e := scaleEntry(sd.rng, c.Kind)
			st := sd.scaleStatus()
			by, at := sd.review(st)
			if err := ins.Add(c.ID, c.StartsOn.AddDays(d), e.SpendKRW, e.Impressions, e.Clicks, e.Conversions, e.RevenueKRW,
				e.Viewers, e.PeakViewers, e.Likes, e.Comments, e.DurationMin, string(st), by, at); err != nil {
				return fmt.Errorf("metric entries: %w", err)
			}
			sd.res.Entries++
		}
	}
	if err := ins.Flush(); err != nil {
		return fmt.Errorf("metric entries: %w", err)
	}
	return nil
}

var salesColumns = []string{"team_id", "period_start", "period_end", "channel", "sales_krw", "orders", "status",
	"reviewed_by", "reviewed_at"}

// sales writes one record a day for each team over its default before and
// after windows; sales in "after" run some percent above "before", a
// different lift for each team, so that growth has something to show.
func (sd *scaleSeeder) sales(first int, teams []models.Team) error {
	ins, err := sd.l.Bulk("sales_records", salesColumns, sd.constants())
	if err != nil {
		return err
	}
	defer ins.Close()
	for i, t := range teams {
		start := scaleTeamStart(first + i)
		base := 100_000 + sd.rng.Int64N(900_000)
		liftPct := sd.rng.Int64N(120) - 10
		for d := -scaleAfterDays; d < scaleAfterDays; d++ {
			day := start.AddDays(d)
			daily := base * (90 + sd.rng.Int64N(21)) / 100
			if d >= 0 {
				daily = daily * (100 + liftPct) / 100
			}
			st := sd.scaleStatus()
			by, at := sd.review(st)
			if err := ins.Add(t.ID, day, day, models.ChannelAll, daily, daily/20_000+sd.rng.Int64N(5), string(st), by, at); err != nil {
				return fmt.Errorf("sales records: %w", err)
			}
			sd.res.Sales++
		}
	}
	if err := ins.Flush(); err != nil {
		return fmt.Errorf("sales records: %w", err)
	}
	return nil
}

func scaleEntry(rng *rand.Rand, kind models.Kind) models.MetricEntry {
	var e models.MetricEntry
	e.Impressions = 500 + rng.Int64N(5000)
	e.Clicks = e.Impressions * (1 + rng.Int64N(60)) / 1000
	e.Conversions = e.Clicks * rng.Int64N(8) / 100
	e.SpendKRW = e.Clicks * (200 + rng.Int64N(600))
	e.RevenueKRW = e.Conversions * (15_000 + rng.Int64N(60_000))
	if kind == models.KindLiveCommerce {
		viewers := 100 + rng.Int64N(3000)
		e.Viewers, e.PeakViewers = &viewers, ptr(viewers/3)
		e.Likes, e.Comments, e.DurationMin = ptr(viewers/5), ptr(viewers/20), ptr(30+rng.Int64N(90))
	}
	return e
}
