package seed_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
	"github.com/nalgae/nalgae/models/seed"
)

// TestSeedScale checks the synthetic program's shape, that its logins work
// and reach what the benchmark reads, and that the same n gives the same rows.
func TestSeedScale(t *testing.T) {
	type fingerprint struct {
		spend, salesBefore, salesAfter int64
		approved, entries, sales       int64
	}
	seed := func() fingerprint {
		ctx := context.Background()
		s := models.NewStore(modelstest.NewDB(t))
		res, err := seed.Scale(ctx, s, 3)
		if err != nil {
			t.Fatal(err)
		}
		want := seed.ScaleResult{ProgramID: res.ProgramID, Teams: 3, Campaigns: 12, Entries: 3 * 4 * 365, Sales: 3 * 2 * 386,
			Password: "scale-3-password", Professor: fmt.Sprintf("scale%d-professor@synthetic.nalgae", res.ProgramID),
			City: fmt.Sprintf("scale%d-city@synthetic.nalgae", res.ProgramID), StudentEmailFormat: fmt.Sprintf("scale%d-s%%d@synthetic.nalgae", res.ProgramID)}
		if *res != want {
			t.Fatalf("seeded %+v, want %+v", *res, want)
		}
		var fp fingerprint
		db := s.DB()
		db.Model(&models.MetricEntry{}).Count(&fp.entries)
		db.Model(&models.MetricEntry{}).Where("status = ?", models.StatusApproved).Count(&fp.approved)
		db.Model(&models.SalesRecord{}).Count(&fp.sales)
		if fp.entries != int64(res.Entries) || fp.sales != int64(res.Sales) {
			t.Fatalf("tables hold %d entries and %d sales, result says %d and %d", fp.entries, fp.sales, res.Entries, res.Sales)
		}
		if pct := fp.approved * 100 / fp.entries; pct < 90 || pct == 100 {
			t.Fatalf("%d%% of entries approved, want mostly but not all", pct)
		}
		var kinds []string
		db.Model(&models.Campaign{}).Distinct("kind").Order("kind").Pluck("kind", &kinds)
		if len(kinds) < 4 {
			t.Fatalf("campaign kinds %v, want a mix of at least four", kinds)
		}
		for _, email := range []string{res.Professor, res.City, fmt.Sprintf(res.StudentEmailFormat, 2)} {
			if _, _, err := s.Login(ctx, email, res.Password, "test"); err != nil {
				t.Fatalf("login %s: %v", email, err)
			}
		}
		city := loginActor(t, s, res.City, res.Password)
		r, err := s.ProgramReport(ctx, city, res.ProgramID, models.KPIQuery{}, "en")
		if err != nil {
			t.Fatalf("city staff's report: %v", err)
		}
		if len(r.Teams) != 3 || r.Teams[0].SalesGrowthPct == nil || r.Totals.SpendKRW == 0 {
			t.Fatalf("report of %d teams, growth %v, spend %d", len(r.Teams), r.Teams[0].SalesGrowthPct, r.Totals.SpendKRW)
		}
		professor := loginActor(t, s, res.Professor, res.Password)
		if _, err := s.TeamKPIs(ctx, professor, r.Teams[2].TeamID, models.KPIQuery{}); err != nil {
			t.Fatalf("professor's team KPIs: %v", err)
		}
		fp.spend, fp.salesBefore, fp.salesAfter = r.Totals.SpendKRW, r.SalesBeforeKRW, r.SalesAfterKRW
		return fp
	}
	first, second := seed(), seed()
	if first != second {
		t.Fatalf("two seeds of the same n differ: %+v vs %+v", first, second)
	}
}

func loginActor(t *testing.T, s *models.Store, email, password string) models.Actor {
	t.Helper()
	u, _, err := s.Login(context.Background(), email, password, "test")
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return models.Actor{UserID: u.ID, Role: u.Role, IP: "test"}
}
