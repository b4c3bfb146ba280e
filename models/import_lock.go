package models

import (
	"fmt"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// The import apply path (files now, API pulls later) refuses as a whole, 409
// program_closed or 409 locked naming every locked day, before it writes a
// row: a file that would change one published figure changes nothing.

// checkImportDays checks a campaign import against the program's state.
func checkImportDays(tx *gorm.DB, c *Campaign, run *importRun, existing map[civil.Date]*MetricEntry) error {
	var programID uint64
	if err := tx.Raw("SELECT program_id FROM teams WHERE id = ?", c.TeamID).Row().Scan(&programID); err != nil {
		return fmt.Errorf("campaign program: %w", err)
	}
	if err := checkProgramOpen(tx, programID); err != nil {
		return err
	}
	locks, err := loadLocks(tx, programID)
	if err != nil || len(locks) == 0 {
		return err
	}
	var days []string
	for _, d := range run.parsed.Days {
		m, ok := existing[d.Date]
		if !ok || m.Status != StatusApproved || !locks.dayLocked(c.Kind, m.Date) {
			continue
		}
		date := d.Date
		changed := *m
		MetricInput{Date: &date, SpendKRW: d.SpendKRW, Impressions: d.Impressions, Clicks: d.Clicks,
			Conversions: d.Conversions, RevenueKRW: d.RevenueKRW, Viewers: d.Viewers, PeakViewers: d.PeakViewers,
			Likes: d.Likes, Comments: d.Comments, DurationMin: d.DurationMin}.apply(&changed)
		if !sameFigures(&changed, m) {
			days = append(days, d.Date.String())
		}
	}
	if len(days) > 0 {
		return errLocked(days)
	}
	return nil
}

// checkImportSales checks a sales import against the program's state.
func checkImportSales(tx *gorm.DB, t *Team, run *importRun, existing map[salesKey]*SalesRecord) error {
	if err := checkProgramOpen(tx, t.ProgramID); err != nil {
		return err
	}
	locks, err := loadLocks(tx, t.ProgramID)
	if err != nil || len(locks) == 0 {
		return err
	}
	var days []string
	for _, sale := range run.parsed.Sales {
		r, ok := existing[salesKey{sale.PeriodStart, sale.PeriodEnd, sale.Channel}]
		if !ok || r.Status != StatusApproved || !locks.periodLocked(r.PeriodStart, r.PeriodEnd) {
			continue
		}
		if r.SalesKRW == sale.SalesKRW && (sale.Orders == nil || deref(r.Orders, -1) == *sale.Orders) {
			continue
		}
		days = append(days, r.PeriodStart.String()+"~"+r.PeriodEnd.String())
	}
	if len(days) > 0 {
		return errLocked(days)
	}
	return nil
}
