package models

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// ScaleResult counts what SeedScale wrote.
type ScaleResult struct {
	ProgramID uint64
	Teams     int
	Entries   int
	Sales     int
}

// scaleDays is how many days of entries each synthetic campaign has.
const scaleDays = 90

// SeedScale writes a deterministic synthetic program of n teams for
// benchmarks: each team one student and one merchant, three campaigns (search
// ads, shopping ads, live commerce) of scaleDays approved entries each, and
// six monthly approved sales records. The same n always gives the same rows.
// Rows are inserted in batches in one transaction, bypassing per-row checks
// (they are valid by construction), with one audit event.
func (s *Store) SeedScale(ctx context.Context, n int) (*ScaleResult, error) {
	if n < 1 || n > 100_000 {
		return nil, fmt.Errorf("scale must be between 1 and 100000, not %d", n)
	}
	hash, err := HashPassword(fmt.Sprintf("scale-%d-password", n))
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(n), 2026))
	start := civil.MustParse("2026-03-02")
	res := &ScaleResult{Teams: n}
	err = s.write(ctx, Actor{Role: RoleAdmin, IP: "seed"}, func(tx *gorm.DB) ([]audit, error) {
		var tag int64
		tx.Model(&Program{}).Count(&tag) // several scale programs may live side by side
		p := Program{Name: fmt.Sprintf("Scale %d (#%d)", n, tag+1), City: "합성시", University: "합성대학교", Partner: "네이버",
			Course: "콘텐츠마케팅", StartsOn: start, EndsOn: start.AddDays(179), Status: ProgramActive, Version: 1}
		if err := tx.Create(&p).Error; err != nil {
			return nil, err
		}
		res.ProgramID = p.ID
		const batch = 500
		for first := 0; first < n; first += batch {
			last := min(first+batch, n)
			users := make([]User, 0, 2*(last-first))
			for i := first; i < last; i++ {
				users = append(users,
					User{Email: fmt.Sprintf("scale%d-s%d@synthetic.nalgae", p.ID, i), Name: fmt.Sprintf("학생 %d", i), Role: RoleStudent, Locale: LocaleKo, PasswordHash: hash},
					User{Email: fmt.Sprintf("scale%d-m%d@synthetic.nalgae", p.ID, i), Name: fmt.Sprintf("사장 %d", i), Role: RoleMerchant, Locale: LocaleKo, PasswordHash: hash})
			}
			if err := tx.CreateInBatches(&users, batch).Error; err != nil {
				return nil, err
			}
			merchants := make([]Merchant, 0, last-first)
			for i := range last - first {
				owner := users[2*i+1].ID
				merchants = append(merchants, Merchant{Name: fmt.Sprintf("합성상점 %d", first+i), Category: "잡화", Region: "합성구",
					HasOfflineStore: i%2 == 0, OwnerUserID: &owner, Version: 1})
			}
			if err := tx.CreateInBatches(&merchants, batch).Error; err != nil {
				return nil, err
			}
			teams := make([]Team, 0, last-first)
			for i, m := range merchants {
				teams = append(teams, Team{ProgramID: p.ID, Name: fmt.Sprintf("팀 %d", first+i), MerchantID: m.ID, Version: 1})
			}
			if err := tx.CreateInBatches(&teams, batch).Error; err != nil {
				return nil, err
			}
			members := make([]TeamMember, 0, len(teams))
			var campaigns []Campaign
			for i, t := range teams {
				members = append(members, TeamMember{TeamID: t.ID, UserID: users[2*i].ID, Role: MemberLeader})
				for j, k := range []Kind{KindSearchAd, KindShoppingAd, KindLiveCommerce} {
					cs := start.AddDays(60 + 7*j)
					campaigns = append(campaigns, Campaign{TeamID: t.ID, Kind: k, Name: fmt.Sprintf("%s %d", k, first+i),
						StartsOn: cs, EndsOn: cs.AddDays(scaleDays - 1), BudgetKRW: 3_000_000, Version: 1})
				}
			}
			if err := tx.CreateInBatches(&members, batch).Error; err != nil {
				return nil, err
			}
			if err := tx.CreateInBatches(&campaigns, batch).Error; err != nil {
				return nil, err
			}
			entries := make([]MetricEntry, 0, len(campaigns)*scaleDays)
			for _, c := range campaigns {
				for d := range scaleDays {
					entries = append(entries, scaleEntry(rng, c, c.StartsOn.AddDays(d)))
				}
			}
			if err := tx.CreateInBatches(&entries, batch).Error; err != nil {
				return nil, err
			}
			var sales []SalesRecord
			for _, t := range teams {
				for month := range 6 {
					from := civil.Date{Year: 2026, Month: 3 + timeMonth(month), Day: 1}
					sales = append(sales, SalesRecord{TeamID: t.ID, PeriodStart: from, PeriodEnd: civil.Date{Year: 2026, Month: 4 + timeMonth(month), Day: 1}.AddDays(-1),
						Channel: ChannelAll, SalesKRW: 5_000_000 + rng.Int64N(20_000_000), Status: StatusApproved, Source: "seed:scale", Version: 1})
				}
			}
			if err := tx.CreateInBatches(&sales, batch).Error; err != nil {
				return nil, err
			}
			res.Entries += len(entries)
			res.Sales += len(sales)
		}
		return []audit{{action: "import", entity: "program", entityID: p.ID, programID: p.ID, after: res}}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("seed scale %d: %w", n, err)
	}
	return res, nil
}

func scaleEntry(rng *rand.Rand, c Campaign, day civil.Date) MetricEntry {
	e := MetricEntry{CampaignID: c.ID, Date: day, Status: StatusApproved, Source: "seed:scale", Version: 1}
	e.Impressions = 500 + rng.Int64N(5000)
	e.Clicks = e.Impressions * (1 + rng.Int64N(60)) / 1000
	e.Conversions = e.Clicks * rng.Int64N(8) / 100
	e.SpendKRW = e.Clicks * (200 + rng.Int64N(600))
	e.RevenueKRW = e.Conversions * (15_000 + rng.Int64N(60_000))
	if c.Kind == KindLiveCommerce {
		viewers := 100 + rng.Int64N(3000)
		e.Viewers, e.PeakViewers = &viewers, ptr(viewers/3)
	}
	return e
}
