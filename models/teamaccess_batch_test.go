package models_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/modelstest"
)

// accessAnswer is what a team access check answered, comparably.
type accessAnswer struct {
	team, program, merchant uint64
	stamp                   int64
	err                     string // "", "not found", "unauthorized" or another error's text
}

func answerOf(team *models.Team, stamp int64, err error) accessAnswer {
	a := accessAnswer{stamp: stamp}
	if team != nil {
		a.team, a.program, a.merchant = team.ID, team.ProgramID, team.MerchantID
	}
	switch {
	case errors.Is(err, models.ErrNotFound):
		a.err = "not found"
	case errors.Is(err, models.ErrUnauthorized):
		a.err = "unauthorized"
	case err != nil:
		a.err = err.Error()
	}
	return a
}

// Requests that share a statement (PostgreSQL) get what each would have got
// from its own: every user of the world, with its token, a stale one and
// one claiming another role, a disabled user and one that does not exist,
// asking for every team and one that does not exist, all at once.
func TestSharedTeamAccessAnswersAsAlone(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	db := clone(t)
	s := models.NewStore(db)
	if err := db.Model(&models.User{}).Where("id = ?", w.OtherStudent.ID).Update("disabled", true).Error; err != nil {
		t.Fatal(err)
	}
	var toks []models.TokenUser
	for _, u := range w.Users() {
		toks = append(toks,
			models.TokenUser{UserID: u.ID, Role: u.Role, TokenVersion: u.TokenVersion},
			models.TokenUser{UserID: u.ID, Role: u.Role, TokenVersion: u.TokenVersion + 1},
			models.TokenUser{UserID: u.ID, Role: models.RoleAdmin, TokenVersion: u.TokenVersion})
	}
	toks = append(toks, models.TokenUser{UserID: 1 << 40, Role: models.RoleAdmin},
		// A role no user has, with what an array literal must escape.
		models.TokenUser{UserID: w.Student.ID, Role: `st"u\dent,{}`, TokenVersion: w.Student.TokenVersion})
	teams := []uint64{w.TeamA1.ID, w.TeamA2.ID, w.TeamB1.ID, 1 << 40}
	type question struct {
		tok  models.TokenUser
		team uint64
	}
	var questions []question
	want := map[question]accessAnswer{}
	for _, tok := range toks {
		for _, team := range teams {
			q := question{tok, team}
			questions = append(questions, q)
			want[q] = answerOf(models.LoadTeamStampedByToken(db, tok, team))
		}
	}
	// The expected answers themselves, for a few that say what the check is.
	for _, c := range []struct {
		name string
		q    question
		err  string
	}{
		{"student, own team", question{models.TokenUser{UserID: w.Student.ID, Role: w.Student.Role, TokenVersion: w.Student.TokenVersion}, w.TeamA1.ID}, ""},
		{"student, other team", question{models.TokenUser{UserID: w.Student.ID, Role: w.Student.Role, TokenVersion: w.Student.TokenVersion}, w.TeamB1.ID}, "not found"},
		{"stale token", question{models.TokenUser{UserID: w.Student.ID, Role: w.Student.Role, TokenVersion: w.Student.TokenVersion + 1}, w.TeamA1.ID}, "unauthorized"},
		{"another role claimed", question{models.TokenUser{UserID: w.Student.ID, Role: models.RoleAdmin, TokenVersion: w.Student.TokenVersion}, w.TeamA1.ID}, "unauthorized"},
		{"a role no user has", question{models.TokenUser{UserID: w.Student.ID, Role: `st"u\dent,{}`, TokenVersion: w.Student.TokenVersion}, w.TeamA1.ID}, "unauthorized"},
		{"disabled", question{models.TokenUser{UserID: w.OtherStudent.ID, Role: w.OtherStudent.Role, TokenVersion: w.OtherStudent.TokenVersion}, w.TeamA1.ID}, "unauthorized"},
		{"no such team", question{models.TokenUser{UserID: w.Admin.ID, Role: w.Admin.Role, TokenVersion: w.Admin.TokenVersion}, 1 << 40}, "not found"},
		{"admin", question{models.TokenUser{UserID: w.Admin.ID, Role: w.Admin.Role, TokenVersion: w.Admin.TokenVersion}, w.TeamB1.ID}, ""},
	} {
		got, ok := want[c.q]
		if !ok || got.err != c.err || (c.err == "" && got.team != c.q.team) {
			t.Errorf("%s: alone answered %+v, want error %q", c.name, got, c.err)
		}
	}

	statements := countStatements(t, db)
	const rounds = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range rounds {
		for _, q := range questions {
			wg.Go(func() {
				got := answerOf(s.TeamStampedByToken(context.Background(), q.tok, q.team))
				if got != want[q] {
					mu.Lock()
					t.Errorf("user %d as %s (version %d), team %d: shared %+v; alone %+v", q.tok.UserID, q.tok.Role, q.tok.TokenVersion, q.team, got, want[q])
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	asked := int64(rounds * len(questions))
	n, shared := statements.Load(), s.SharedTeamAccessStatements()
	t.Logf("%d requests: %d statements through gorm, %d shared", asked, n, shared)
	switch database.DialectOf(db) {
	case database.Postgres:
		if n != 0 || shared < 1 || shared >= asked {
			t.Errorf("%d requests at once sent %d statements through gorm and %d shared: want none alone, and fewer shared than requests", asked, n, shared)
		}
	case database.SQLite:
		if n != asked || shared != -1 {
			t.Errorf("%d requests sent %d statements on SQLite, %d shared; want one each, none shared", asked, n, shared)
		}
	}
}

// A request that arrives after a write was acknowledged sees it, however
// many requests share statements meanwhile: readers never stop while a
// student logs days, and every read begun after a day's answer carries a
// stamp at least that of the day's write.
func TestSharedTeamAccessSeesAcknowledgedWrites(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	db := clone(t)
	s := models.NewStore(db)
	prof := models.TokenUser{UserID: w.Prof.ID, Role: w.Prof.Role, TokenVersion: w.Prof.TokenVersion}
	student := models.Actor{UserID: w.Student.ID, Role: w.Student.Role, IP: "192.0.2.1"}

	var acked atomic.Int64 // the stamp of the last acknowledged write
	stop := make(chan struct{})
	var readers sync.WaitGroup
	var stale atomic.Int64
	var reads atomic.Int64
	for range 16 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				floor := acked.Load() // read before the request is made
				_, stamp, err := s.TeamStampedByToken(context.Background(), prof, w.TeamA1.ID)
				if err != nil {
					t.Error(err)
					return
				}
				reads.Add(1)
				if stamp < floor {
					stale.Add(1)
				}
			}
		})
	}
	day := civil.MustParse("2025-11-01")
	for i := range 40 {
		d, spend := day.AddDays(i), int64(1000+i)
		if _, _, err := s.UpsertMetric(context.Background(), student, w.CampaignA1.ID, models.MetricInput{Date: &d, SpendKRW: &spend}); err != nil {
			t.Fatal(err)
		}
		_, stamp, err := models.LoadTeamStampedByToken(db, prof, w.TeamA1.ID)
		if err != nil {
			t.Fatal(err)
		}
		acked.Store(stamp)
	}
	close(stop)
	readers.Wait()
	t.Logf("%d reads during 40 writes", reads.Load())
	if n := stale.Load(); n > 0 {
		t.Errorf("%d reads begun after a write was acknowledged did not see it", n)
	}
}

// countStatements counts the statements db runs from now on.
func countStatements(t testing.TB, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	if err := db.Callback().Row().After("gorm:row").Register("test:count_row", count); err != nil {
		t.Fatal(err)
	}
	if err := db.Callback().Raw().After("gorm:raw").Register("test:count_raw", count); err != nil {
		t.Fatal(err)
	}
	if err := db.Callback().Query().After("gorm:query").Register("test:count_query", count); err != nil {
		t.Fatal(err)
	}
	return &n
}
