// Package modelstest gives tests a real, migrated database of their own and
// a small world of users, programs and teams built through the models code
// (never SQL dumps that drift). Only tests import it.
package modelstest

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
)

// NewDB opens a fresh, migrated database of the dialect under test (see
// Dialect): a SQLite file in t's temp dir, or a new PostgreSQL schema that
// is dropped when t ends.
func NewDB(t testing.TB) *gorm.DB {
	t.Helper()
	if Dialect() == database.Postgres {
		return open(t, pgMigrated(t), false)
	}
	return open(t, NewDatabaseURL(t), true)
}

// NewEmptyDB is NewDB without the migrations.
func NewEmptyDB(t testing.TB) *gorm.DB {
	t.Helper()
	return open(t, NewDatabaseURL(t), false)
}

// testPool keeps each test's PostgreSQL pool small: many tests run at once,
// and the server's max_connections is shared by all of them.
var testPool = database.Pool{MaxOpenConns: 4, MaxIdleConns: 2}

func open(t testing.TB, databaseURL string, migrate bool) *gorm.DB {
	t.Helper()
	db, err := database.OpenWithPool(databaseURL, testPool)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { database.Close(db) })
	if migrate {
		if err := migrations.Migrate(db); err != nil {
			t.Fatalf("migrate test database: %v", err)
		}
	}
	return db
}

// Template builds a database once with build and returns a function that
// gives each caller its own copy, so that tests which write stay independent
// without paying for the build again. On SQLite a copy is a copy of the file;
// on PostgreSQL a new schema with the template's rows.
func Template(t testing.TB, build func(*gorm.DB)) func(testing.TB) *gorm.DB {
	t.Helper()
	if Dialect() == database.Postgres {
		return pgTemplate(t, build)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "template.db")
	db := open(t, src, true)
	build(db)
	// Fold the WAL into the main file, so that copying that one file copies
	// everything.
	if err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
		t.Fatalf("checkpoint template: %v", err)
	}
	database.Close(db)
	return func(t testing.TB) *gorm.DB {
		t.Helper()
		dst := filepath.Join(t.TempDir(), "nalgae.db")
		if err := copyFile(src, dst); err != nil {
			t.Fatalf("copy template database: %v", err)
		}
		return open(t, dst, false)
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Password is every world user's password.
const Password = "correct-horse-battery"

// System is the actor fixtures are built as.
var System = models.Actor{Role: models.RoleAdmin, IP: "test"}

// World is one of every relation SPEC §3 distinguishes: program A with
// teams A1 (the student's, the merchant's) and A2 (the other student's), and
// program B with team B1, each program with its professor and city staff.
type World struct {
	Admin, Prof, OtherProf, Student, OtherStudent, Merchant, City, OtherCity *models.User

	ProgramA, ProgramB                 *models.Program
	MerchantA1, MerchantA2, MerchantB1 *models.Merchant
	TeamA1, TeamA2, TeamB1             *models.Team
	CampaignA1, LiveA1                 *models.Campaign
	// MetricDraft is a draft entry, MetricSubmitted a submitted one, both of CampaignA1.
	MetricDraft, MetricSubmitted *models.MetricEntry
	// SalesDraft is a draft record, SalesSubmitted a submitted one, of TeamA1.
	SalesDraft, SalesSubmitted *models.SalesRecord
	Comment                    *models.Comment
	Evaluation                 *models.Evaluation // visible to the team
	Target                     *models.Target     // TeamA1's ROAS target on search ads
	// Assessment is MerchantA1's baseline self-reliance in program A,
	// entered by the student; FollowUp is TeamA1's open 3-month follow-up
	// (as closing program A would schedule it; the program stays active so
	// that the rest of the world can still be written).
	Assessment *models.Assessment
	FollowUp   *models.FollowUp
}

// Users lists the world's users by a short name.
func (w *World) Users() map[string]*models.User {
	return map[string]*models.User{
		"admin": w.Admin, "prof": w.Prof, "other_prof": w.OtherProf, "student": w.Student,
		"other_student": w.OtherStudent, "merchant": w.Merchant, "city": w.City, "other_city": w.OtherCity,
	}
}

// BuildWorld creates the world through the store, failing t on any error.
func BuildWorld(t testing.TB, s *models.Store) *World {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("build world: %v", err)
		}
	}
	w := &World{}
	user := func(email, name string, role models.Role) *models.User {
		pw := Password
		u, err := s.CreateUser(ctx, System, models.UserInput{Email: &email, Name: &name, Role: &role, Password: &pw})
		must(err)
		return u
	}
	w.Admin = user("admin@test.nalgae", "관리자", models.RoleAdmin)
	w.Prof = user("prof@test.nalgae", "김교수", models.RoleProfessor)
	w.OtherProf = user("other-prof@test.nalgae", "이교수", models.RoleProfessor)
	w.Student = user("student@test.nalgae", "박학생", models.RoleStudent)
	w.OtherStudent = user("other-student@test.nalgae", "최학생", models.RoleStudent)
	w.Merchant = user("merchant@test.nalgae", "정사장", models.RoleMerchant)
	w.City = user("city@test.nalgae", "부산시 담당", models.RoleCity)
	w.OtherCity = user("other-city@test.nalgae", "대구시 담당", models.RoleCity)

	program := func(name, city string) *models.Program {
		start, end := civil.MustParse("2025-09-01"), civil.MustParse("2025-12-19")
		status := models.ProgramActive
		p, err := s.CreateProgram(ctx, System, models.ProgramInput{Name: &name, City: &city, StartsOn: &start, EndsOn: &end, Status: &status})
		must(err)
		return p
	}
	w.ProgramA = program("부산 디지털 전환", "부산광역시")
	w.ProgramB = program("대구 디지털 전환", "대구광역시")
	for _, st := range []struct {
		p *models.Program
		u *models.User
	}{{w.ProgramA, w.Prof}, {w.ProgramA, w.City}, {w.ProgramB, w.OtherProf}, {w.ProgramB, w.OtherCity}} {
		_, err := s.AddStaff(ctx, System, st.p.ID, models.StaffInput{UserID: st.u.ID})
		must(err)
	}
	merchant := func(name string, owner *models.User) *models.Merchant {
		in := models.MerchantInput{Name: &name}
		if owner != nil {
			id := &owner.ID
			in.OwnerUserID = &id
		}
		m, err := s.CreateMerchant(ctx, System, in)
		must(err)
		return m
	}
	w.MerchantA1 = merchant("이도공감", w.Merchant)
	w.MerchantA2 = merchant("아뮤즈마켓", nil)
	w.MerchantB1 = merchant("대구상회", nil)
	team := func(p *models.Program, name string, m *models.Merchant, student *models.User) *models.Team {
		tm, err := s.CreateTeam(ctx, System, p.ID, models.TeamInput{Name: &name, MerchantID: &m.ID})
		must(err)
		_, err = s.AddMember(ctx, System, tm.ID, student.ID, models.MemberLeader)
		must(err)
		return tm
	}
	w.TeamA1 = team(w.ProgramA, "A1팀", w.MerchantA1, w.Student)
	w.TeamA2 = team(w.ProgramA, "A2팀", w.MerchantA2, w.OtherStudent)
	w.TeamB1 = team(w.ProgramB, "B1팀", w.MerchantB1, w.OtherStudent)

	campaign := func(kind models.Kind, name string) *models.Campaign {
		start, end := civil.MustParse("2025-10-01"), civil.MustParse("2025-10-31")
		c, err := s.CreateCampaign(ctx, System, w.TeamA1.ID, models.CampaignInput{Kind: &kind, Name: &name, StartsOn: &start, EndsOn: &end})
		must(err)
		return c
	}
	w.CampaignA1 = campaign(models.KindSearchAd, "파워링크 10월")
	w.LiveA1 = campaign(models.KindLiveCommerce, "라이브 10월")
	entry := func(day string, spend, revenue int64) *models.MetricEntry {
		d := civil.MustParse(day)
		imp, clicks, conv := int64(1000), int64(50), int64(3)
		m, _, err := s.UpsertMetric(ctx, System, w.CampaignA1.ID, models.MetricInput{Date: &d, SpendKRW: &spend,
			RevenueKRW: &revenue, Impressions: &imp, Clicks: &clicks, Conversions: &conv})
		must(err)
		return m
	}
	w.MetricDraft = entry("2025-10-01", 10000, 50000)
	w.MetricSubmitted = entry("2025-10-02", 20000, 90000)
	var err error
	w.MetricSubmitted, err = s.TransitionMetric(ctx, System, w.MetricSubmitted.ID, models.ActionSubmit, "", nil)
	must(err)
	sales := func(from, to string, amount int64) *models.SalesRecord {
		a, b := civil.MustParse(from), civil.MustParse(to)
		r, err := s.CreateSales(ctx, System, w.TeamA1.ID, models.SalesInput{PeriodStart: &a, PeriodEnd: &b, SalesKRW: &amount})
		must(err)
		return r
	}
	w.SalesDraft = sales("2025-09-01", "2025-09-30", 3_000_000)
	w.SalesSubmitted = sales("2025-10-01", "2025-10-31", 6_000_000)
	w.SalesSubmitted, err = s.TransitionSales(ctx, System, w.SalesSubmitted.ID, models.ActionSubmit, "", nil)
	must(err)
	w.Comment, err = s.CreateComment(ctx, models.Actor{UserID: w.Prof.ID, Role: models.RoleProfessor}, w.TeamA1.ID, models.CommentInput{Body: "좋은 시작입니다"})
	must(err)
	visible := true
	w.Evaluation, err = s.CreateEvaluation(ctx, models.Actor{UserID: w.Prof.ID, Role: models.RoleProfessor}, w.TeamA1.ID, models.EvaluationInput{
		Scores: map[string]int{"planning": 15, "execution": 25, "results": 20, "collaboration": 18}, VisibleToTeam: &visible,
	})
	must(err)
	kpiName, kind, goal := "roas_pct", "search_ad", 300.0
	kindPtr := &kind
	w.Target, err = s.CreateTarget(ctx, models.Actor{UserID: w.Student.ID, Role: models.RoleStudent}, w.TeamA1.ID, models.TargetInput{
		KPI: &kpiName, Kind: &kindPtr, Target: &goal,
	})
	must(err)
	answers := map[string]int{}
	for i, it := range models.AssessmentItems {
		answers[it.Key] = 1 + i%5
	}
	stage, on := models.StageBaseline, w.ProgramA.StartsOn
	w.Assessment, err = s.CreateAssessment(ctx, models.Actor{UserID: w.Student.ID, Role: models.RoleStudent}, w.MerchantA1.ID, models.AssessmentInput{
		ProgramID: w.ProgramA.ID, Stage: &stage, AssessedOn: &on, Answers: answers,
	})
	must(err)
	w.FollowUp = &models.FollowUp{TeamID: w.TeamA1.ID, ProgramID: w.ProgramA.ID, Months: 3, DueOn: models.AddMonths(w.ProgramA.EndsOn, 3),
		ChannelsActive: []models.Kind{}, Version: 1}
	must(s.DB().Create(w.FollowUp).Error)
	return w
}

// WorldTemplate builds the world once; clone gives each test its own copy of
// the database, in which the returned World's ids hold.
func WorldTemplate(t testing.TB) (w *World, clone func(testing.TB) *gorm.DB) {
	t.Helper()
	clone = Template(t, func(db *gorm.DB) { w = BuildWorld(t, models.NewStore(db)) })
	return w, clone
}
