package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
	"github.com/nalgae/nalgae/models/seed"
)

// bench prints SPEC's benchmark line after b.Loop has run: one figure a line.
func bench(b *testing.B, name string, ops int) {
	perOp := b.Elapsed() / time.Duration(max(ops, 1))
	fmt.Printf("BENCH %s %.3f ms\n", name, float64(perOp.Microseconds())/1000)
}

// BenchmarkProgramReport computes the city report of a program of 200 teams
// (800 campaigns, 292,000 daily entries, 154,400 daily sales records).
func BenchmarkProgramReport(b *testing.B) {
	s := models.NewStore(modelstest.NewDB(b))
	seedStart := time.Now()
	res, err := seed.Scale(context.Background(), s, 200)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("BENCH seed_scale_200 %.3f s\n", time.Since(seedStart).Seconds())
	ops := 0
	for b.Loop() {
		if _, err := s.ProgramReport(context.Background(), modelstest.System, res.ProgramID, models.KPIQuery{}, "ko"); err != nil {
			b.Fatal(err)
		}
		ops++
	}
	bench(b, "program_report_200_teams", ops)
}

// BenchmarkTeamKPIs computes one team's KPIs in the same program.
func BenchmarkTeamKPIs(b *testing.B) {
	s := models.NewStore(modelstest.NewDB(b))
	res, err := seed.Scale(context.Background(), s, 200)
	if err != nil {
		b.Fatal(err)
	}
	page, err := s.ListTeams(context.Background(), modelstest.System, models.TeamFilter{ProgramID: res.ProgramID, ListOptions: models.ListOptions{Limit: 1}})
	if err != nil || len(page.Items) == 0 {
		b.Fatal(err)
	}
	ops := 0
	for b.Loop() {
		if _, err := s.TeamKPIs(context.Background(), modelstest.System, page.Items[0].ID, models.KPIQuery{}); err != nil {
			b.Fatal(err)
		}
		ops++
	}
	bench(b, "team_kpis", ops)
}
