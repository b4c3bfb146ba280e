package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/modelstest"
)

// The tests in this file pin down the places where SQLite and PostgreSQL
// differ by nature; like every test, they run on both (make test).

func TestSearchTermsAreLiteral(t *testing.T) {
	t.Parallel()
	s := models.NewStore(modelstest.NewDB(t))
	ctx := context.Background()
	admin := modelstest.System
	for _, u := range []struct{ email, name string }{
		{"a_b@test.nalgae", "밑줄 a_b"},
		{"axb@test.nalgae", "엑스 axb"},
		{"pct@test.nalgae", "100% 국산"},
		{"zero@test.nalgae", "1000 국산"},
		{"slash@test.nalgae", `back\slash`},
	} {
		role, pw := models.RoleStudent, "a-long-password"
		if _, err := s.CreateUser(ctx, admin, models.UserInput{Email: &u.email, Name: &u.name, Role: &role, Password: &pw}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		query string
		want  []string // emails
	}{
		{"a_b", []string{"a_b@test.nalgae"}},
		{"100%", []string{"pct@test.nalgae"}},
		{`k\s`, []string{"slash@test.nalgae"}},
		{"AXB", []string{"axb@test.nalgae"}}, // case-insensitive on both
		{"%", []string{"pct@test.nalgae"}},   // a literal percent sign, not "anything"
		{"국산", []string{"pct@test.nalgae", "zero@test.nalgae"}},
	}
	for _, tt := range tests {
		page, err := s.ListUsers(ctx, admin, models.UserFilter{Query: tt.query})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range page.Items {
			got = append(got, u.Email)
		}
		if len(got) != len(tt.want) {
			t.Errorf("q=%q found %v, want %v", tt.query, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("q=%q found %v, want %v", tt.query, got, tt.want)
			}
		}
	}
}

func TestDatesRoundTripAndCompare(t *testing.T) {
	t.Parallel()
	db := modelstest.NewDB(t)
	s := models.NewStore(db)
	ctx := context.Background()
	name, city := "날짜", "부산광역시"
	p, err := s.CreateProgram(ctx, modelstest.System, models.ProgramInput{Name: &name, City: &city,
		StartsOn: ptrDate("2024-02-29"), EndsOn: ptrDate("2024-12-31")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetProgram(ctx, modelstest.System, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.StartsOn.String() != "2024-02-29" || got.EndsOn.String() != "2024-12-31" {
		t.Fatalf("dates read back as %s..%s", got.StartsOn, got.EndsOn)
	}
	if got.CreatedAt.Location() != time.UTC {
		t.Errorf("created_at read back in %s, want UTC", got.CreatedAt.Location())
	}
	// A civil.Date parameter compares as a date, not as text, on both.
	var n int64
	if err := db.Model(&models.Program{}).Where("starts_on <= ? AND ends_on >= ?", civil.MustParse("2024-03-01"), civil.MustParse("2024-12-31")).
		Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("date range matched %d programs, want 1", n)
	}
	var raw civil.Date
	if err := db.Raw("SELECT ends_on FROM programs WHERE id = ?", p.ID).Scan(&raw).Error; err != nil {
		t.Fatal(err)
	}
	if raw.String() != "2024-12-31" {
		t.Fatalf("raw date %s", raw)
	}
}

// Sums beyond 32 bits come back whole: PostgreSQL's SUM(bigint) is numeric.
func TestLargeSumsAreWhole(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	s := models.NewStore(clone(t))
	s.SetToday(func() civil.Date { return civil.MustParse("2025-12-31") })
	ctx := context.Background()
	var want int64
	for _, day := range []string{"2025-10-10", "2025-10-11", "2025-10-12"} {
		d, spend, revenue := civil.MustParse(day), int64(900_000_000_000), int64(999_999_999_999)
		if _, _, err := s.UpsertMetric(ctx, modelstest.System, w.CampaignA1.ID, models.MetricInput{Date: &d, SpendKRW: &spend, RevenueKRW: &revenue}); err != nil {
			t.Fatal(err)
		}
		want += revenue
	}
	k, err := s.CampaignKPIs(ctx, modelstest.System, w.CampaignA1.ID, models.KPIQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// The world's two entries add 50 000 and 90 000.
	if k.Total.RevenueKRW != want+140_000 {
		t.Fatalf("revenue sum %d, want %d", k.Total.RevenueKRW, want+140_000)
	}
}

// Two instances (or two requests) refreshing the same token at once: the row
// lock lets exactly one rotate it; the other is a replay.
func TestConcurrentRefreshRotatesOnce(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	db := clone(t)
	s := models.NewStore(db)
	ctx := context.Background()
	_, token, err := s.Login(ctx, w.Student.Email, modelstest.Password, "test")
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		rotated   []string
		rejected  int
		unexpects []error
	)
	for range n {
		wg.Go(func() {
			_, next, err := models.NewStore(db).Refresh(ctx, token, "test")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				rotated = append(rotated, next)
			case errors.Is(err, models.ErrUnauthorized):
				rejected++
			default:
				unexpects = append(unexpects, err)
			}
		})
	}
	wg.Wait()
	if len(unexpects) > 0 || len(rotated) != 1 || rejected != n-1 {
		t.Fatalf("rotated %d, rejected %d, errors %v; want 1, %d, none", len(rotated), rejected, unexpects, n-1)
	}
	// The replays revoked the family, so the one new token is dead too.
	if _, _, err := s.Refresh(ctx, rotated[0], "test"); !errors.Is(err, models.ErrUnauthorized) {
		t.Fatalf("refresh after a replay: %v, want unauthorized", err)
	}
}

func TestUniqueIndexesAreConflicts(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	s := models.NewStore(clone(t))
	ctx := context.Background()
	email, name, role, pw := "STUDENT@test.nalgae", "또", models.RoleStudent, "a-long-password"
	_, err := s.CreateUser(ctx, modelstest.System, models.UserInput{Email: &email, Name: &name, Role: &role, Password: &pw})
	var conflict *models.ConflictError
	if !errors.As(err, &conflict) || conflict.Code != "duplicate" {
		t.Fatalf("duplicate email: %v, want a duplicate conflict", err)
	}
	if _, err := s.AddStaff(ctx, modelstest.System, w.ProgramA.ID, models.StaffInput{UserID: w.Prof.ID}); !errors.As(err, &conflict) {
		t.Fatalf("staff twice: %v, want a conflict", err)
	}
}
