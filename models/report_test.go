package models_test

import (
	"context"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/modelstest"
)

// TestReportFilters checks the report's date and kind filters against the
// world's entries: CampaignA1 (search_ad) has 2025-10-01 (10,000 spend, draft)
// and 2025-10-02 (20,000 spend, submitted); LiveA1 has none.
func TestReportFilters(t *testing.T) {
	db := modelstest.NewDB(t)
	s := models.NewStore(db)
	w := modelstest.BuildWorld(t, s)
	all := []models.Status{models.StatusDraft, models.StatusSubmitted}
	tests := []struct {
		name      string
		q         models.KPIQuery
		spend     int64
		seriesLen int
		kinds     []models.Kind
	}{
		{"approved only by default", models.KPIQuery{}, 0, 0, []models.Kind{models.KindSearchAd, models.KindLiveCommerce}},
		{"every status", models.KPIQuery{Statuses: all}, 30000, 2, []models.Kind{models.KindSearchAd, models.KindLiveCommerce}},
		{"from the second day", models.KPIQuery{Statuses: all, From: civil.MustParse("2025-10-02")}, 20000, 1, nil},
		{"up to the first day", models.KPIQuery{Statuses: all, To: civil.MustParse("2025-10-01")}, 10000, 1, nil},
		{"live commerce only", models.KPIQuery{Statuses: all, Kinds: []models.Kind{models.KindLiveCommerce}}, 0, 0, []models.Kind{models.KindLiveCommerce}},
		{"search ads only", models.KPIQuery{Statuses: all, Kinds: []models.Kind{models.KindSearchAd}}, 30000, 2, []models.Kind{models.KindSearchAd}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.ProgramReport(context.Background(), modelstest.System, w.ProgramA.ID, tt.q, "ko")
			if err != nil {
				t.Fatal(err)
			}
			if r.Totals.SpendKRW != tt.spend {
				t.Errorf("spend %d, want %d", r.Totals.SpendKRW, tt.spend)
			}
			if len(r.Series) != tt.seriesLen {
				t.Errorf("%d series points, want %d", len(r.Series), tt.seriesLen)
			}
			if tt.kinds != nil {
				if len(r.ByKind) != len(tt.kinds) {
					t.Errorf("by_kind has %d kinds, want %v", len(r.ByKind), tt.kinds)
				}
				for _, k := range tt.kinds {
					if _, ok := r.ByKind[k]; !ok {
						t.Errorf("by_kind lacks %s", k)
					}
				}
			}
			if len(r.Teams) != 2 {
				t.Errorf("%d teams, want both teams of program A", len(r.Teams))
			}
		})
	}
	if _, err := s.ProgramReport(context.Background(), modelstest.System, w.ProgramA.ID, models.KPIQuery{}, "fr"); err == nil {
		t.Error("lang=fr accepted")
	}
}

func TestFormatPct(t *testing.T) {
	for in, want := range map[float64]string{127: "127", 629.04: "629", 629.05: "629.1", 209.84: "209.8", 0: "0", 0.04: "0", 12.35: "12.4"} {
		if got := models.FormatPct(in); got != want {
			t.Errorf("FormatPct(%v) = %q, want %q", in, got, want)
		}
	}
}

// TestProgramGrowthSumsTheTeams: the program's growth is the teams' "after"
// sales against their "before" sales, each over the team's own windows.
func TestProgramGrowthSumsTheTeams(t *testing.T) {
	db := modelstest.NewDB(t)
	s := models.NewStore(db)
	w := modelstest.BuildWorld(t, s)
	all := []models.Status{models.StatusDraft, models.StatusSubmitted, models.StatusApproved, models.StatusReturned}
	r, err := s.ProgramReport(context.Background(), modelstest.System, w.ProgramA.ID, models.KPIQuery{Statuses: all}, "en")
	if err != nil {
		t.Fatal(err)
	}
	var before, after int64
	for _, team := range r.Teams {
		if team.Windows != nil {
			before += *team.SalesBeforeKRW
			after += *team.SalesAfterKRW
		}
	}
	// The world's team A1 has 3,000,000 in September and 6,000,000 in October.
	if before != 3_000_000 || after != 6_000_000 || r.SalesBeforeKRW != before || r.SalesAfterKRW != after {
		t.Fatalf("program %d → %d, teams %d → %d", r.SalesBeforeKRW, r.SalesAfterKRW, before, after)
	}
	if r.SalesGrowthPct == nil || *r.SalesGrowthPct != 100 {
		t.Fatalf("program growth %v, want 100", r.SalesGrowthPct)
	}
	approved, err := s.ProgramReport(context.Background(), modelstest.System, w.ProgramA.ID, models.KPIQuery{}, "en")
	if err != nil {
		t.Fatal(err)
	}
	if approved.SalesGrowthPct != nil || approved.SalesBeforeKRW != 0 {
		t.Fatalf("approved-only report counts unapproved sales: %+v", approved.ProgramGrowth)
	}
}
