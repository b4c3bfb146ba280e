package kpi

import (
	"errors"
	"math/big"

	"github.com/nalgae/nalgae/models/civil"
)

// Windows are the before/after periods that sales growth compares, both ends
// included. A response echoes them so that a reader knows what was compared.
type Windows struct {
	BeforeFrom civil.Date `json:"before_from"`
	BeforeTo   civil.Date `json:"before_to"`
	AfterFrom  civil.Date `json:"after_from"`
	AfterTo    civil.Date `json:"after_to"`
}

// Span is a campaign's run: End is nil when the campaign has no ends_on.
type Span struct {
	Start civil.Date
	End   *civil.Date
}

// AfterWindow is SPEC's default "after" window for a set of campaigns: from S,
// the earliest start, to E, the latest end (programEnd standing in for a
// campaign without an end; programEnd may be zero, then such a campaign ends
// "today"), never after today, because days to come have no sales yet. ok is
// false when there are no spans or E is before S (nothing to compare yet).
// A span with a zero Start is skipped: it has not been scheduled.
func AfterWindow(spans []Span, programEnd, today civil.Date) (from, to civil.Date, ok bool) {
	for _, sp := range spans {
		if sp.Start.IsZero() {
			continue
		}
		end := today
		switch {
		case sp.End != nil && !sp.End.IsZero():
			end = *sp.End
		case !programEnd.IsZero():
			end = programEnd
		}
		if !ok {
			from, to, ok = sp.Start, end, true
			continue
		}
		from = civil.Min(from, sp.Start)
		to = civil.Max(to, end)
	}
	if !ok {
		return civil.Date{}, civil.Date{}, false
	}
	to = civil.Min(to, today)
	if to.Before(from) {
		return civil.Date{}, civil.Date{}, false
	}
	return from, to, true
}

// DefaultWindows is the after window [from,to] and the before window of the
// same number of days ending the day before from, so that growth compares
// like with like.
func DefaultWindows(from, to civil.Date) Windows {
	days := to.DaysSince(from) + 1
	return Windows{
		BeforeFrom: from.AddDays(-days),
		BeforeTo:   from.AddDays(-1),
		AfterFrom:  from,
		AfterTo:    to,
	}
}

// Validate returns a non-nil error when a window is reversed or a date is
// zero, because explicit windows come from the client and such a window would
// silently count nothing. The message is plain so the API can show it as is.
func (w Windows) Validate() error {
	dates := []struct {
		name string
		d    civil.Date
	}{
		{"before_from", w.BeforeFrom}, {"before_to", w.BeforeTo},
		{"after_from", w.AfterFrom}, {"after_to", w.AfterTo},
	}
	for _, x := range dates {
		if x.d.IsZero() {
			return errors.New(x.name + " is required")
		}
	}
	if w.BeforeFrom.After(w.BeforeTo) {
		return errors.New("before_from must not be after before_to")
	}
	if w.AfterFrom.After(w.AfterTo) {
		return errors.New("after_from must not be after after_to")
	}
	return nil
}

// SalesRecord is a merchant's sales over a period, both ends included.
type SalesRecord struct {
	Start, End civil.Date
	SalesKRW   int64
}

// ProratedSales is the sales that fall inside [from,to]: each record adds in
// proportion to the days it shares with the window (30-day record with 10 days
// inside adds a third). It is exact, a *big.Rat, so that thirds do not drift
// before growth is computed. A record whose End is before its Start is
// ignored: it covers no day.
func ProratedSales(records []SalesRecord, from, to civil.Date) *big.Rat {
	total := new(big.Rat)
	for _, r := range records {
		if r.End.Before(r.Start) {
			continue
		}
		lo, hi := civil.Max(r.Start, from), civil.Min(r.End, to)
		if hi.Before(lo) {
			continue
		}
		shared := big.NewInt(int64(hi.DaysSince(lo) + 1))
		length := big.NewInt(int64(r.End.DaysSince(r.Start) + 1))
		// Multiplied as big integers: large sales times many days must not overflow.
		part := new(big.Rat).SetFrac(shared.Mul(shared, big.NewInt(r.SalesKRW)), length)
		total.Add(total, part)
	}
	return total
}

// Growth is the sales comparison of two windows.
type Growth struct {
	BeforeKRW int64    // prorated "before" sales rounded half away from zero to whole won
	AfterKRW  int64    // prorated "after" sales, rounded the same way
	Pct       *float64 // (after-before)/before*100 computed from the exact unrounded rationals; nil when before is zero
}

// SalesGrowth compares the prorated sales of w's two windows. The percentage
// comes from the exact rationals, not the rounded won, so that small sales do
// not swing it.
func SalesGrowth(records []SalesRecord, w Windows) Growth {
	return GrowthOf(ProratedSales(records, w.BeforeFrom, w.BeforeTo), ProratedSales(records, w.AfterFrom, w.AfterTo))
}

// GrowthOf compares exact "before" and "after" sales totals, for callers
// that add them up in parts (whole records in SQL, partial ones prorated).
func GrowthOf(before, after *big.Rat) Growth {
	g := Growth{BeforeKRW: roundWon(before), AfterKRW: roundWon(after)}
	if before.Sign() == 0 {
		return g // no "before" sales: growth is not measurable
	}
	pct := new(big.Rat).Sub(after, before)
	pct.Quo(pct, before)
	pct.Mul(pct, big.NewRat(100, 1))
	f, _ := pct.Float64()
	g.Pct = &f
	return g
}

// roundWon rounds r half away from zero to whole won, the way a person reading
// the figure would expect (2.5 → 3, -2.5 → -3).
func roundWon(r *big.Rat) int64 {
	num := new(big.Int).Abs(r.Num())
	q, rem := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	if rem.Lsh(rem, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if r.Sign() < 0 {
		q.Neg(q)
	}
	return q.Int64()
}
