package api

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/modelstest"
)

// countedWorld is a program whose size grows with k: k teams, each with k
// students, k campaigns of k entries (some submitted), k sales records, k
// comments and an evaluation. ids holds one id of each kind, for the path
// parameters of the routes.
type countedWorld struct {
	env     *testEnv
	queries *atomic.Int64
	users   map[models.Role]*models.User
	ids     map[string]uint64
}

// newCountedWorld builds the world of size k on a fresh database whose
// every SQL statement is counted.
func newCountedWorld(t *testing.T, k int) *countedWorld {
	t.Helper()
	db := modelstest.NewDB(t)
	w := &countedWorld{queries: new(atomic.Int64), users: map[models.Role]*models.User{}, ids: map[string]uint64{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	user := func(role models.Role, name string) *models.User {
		u := &models.User{Email: name + "@count.test", Name: name, Role: role, Locale: models.LocaleKo, PasswordHash: "x"}
		must(db.Create(u).Error)
		return u
	}
	for _, r := range []models.Role{models.RoleAdmin, models.RoleProfessor, models.RoleCity} {
		w.users[r] = user(r, string(r))
	}
	start := civil.MustParse("2026-03-02")
	p := models.Program{Name: "P", City: "C", University: "U", Partner: "N", Course: "M", StartsOn: start,
		EndsOn: start.AddDays(120), Status: models.ProgramActive, Version: 1}
	must(db.Create(&p).Error)
	w.ids["program"] = p.ID
	must(db.Create(&models.ProgramStaff{ProgramID: p.ID, UserID: w.users[models.RoleProfessor].ID, Role: models.StaffProfessor}).Error)
	must(db.Create(&models.ProgramStaff{ProgramID: p.ID, UserID: w.users[models.RoleCity].ID, Role: models.StaffCity}).Error)
	prof := w.users[models.RoleProfessor].ID
	for ti := range k {
		owner := user(models.RoleMerchant, fmt.Sprintf("owner%d", ti))
		m := models.Merchant{Name: fmt.Sprintf("M%d", ti), Category: "c", Region: "r", OwnerUserID: &owner.ID, Version: 1}
		must(db.Create(&m).Error)
		team := models.Team{ProgramID: p.ID, Name: fmt.Sprintf("T%d", ti), MerchantID: m.ID, Version: 1}
		must(db.Create(&team).Error)
		var students []uint64
		for si := range k {
			s := user(models.RoleStudent, fmt.Sprintf("student%d-%d", ti, si))
			students = append(students, s.ID)
			must(db.Create(&models.TeamMember{TeamID: team.ID, UserID: s.ID, Role: models.MemberMember}).Error)
			if ti == 0 && si == 0 {
				w.users[models.RoleStudent] = s
			}
		}
		if ti == 0 {
			w.users[models.RoleMerchant] = owner
			w.ids["team"], w.ids["merchant"] = team.ID, m.ID
		}
		for ci := range k {
			c := models.Campaign{TeamID: team.ID, Kind: models.Kinds[ci%len(models.Kinds)], Name: fmt.Sprintf("C%d", ci),
				StartsOn: start.AddDays(30), EndsOn: start.AddDays(90), BudgetKRW: 1000, Version: 1}
			must(db.Create(&c).Error)
			for d := range k {
				status := models.StatusApproved
				if d%2 == 1 {
					status = models.StatusSubmitted
				}
				e := models.MetricEntry{CampaignID: c.ID, Date: c.StartsOn.AddDays(d), SpendKRW: 100, Impressions: 1000,
					Clicks: 10, Conversions: 1, RevenueKRW: 500, Status: status, Version: 1}
				must(db.Create(&e).Error)
				if ti == 0 && ci == 0 && d == 0 {
					w.ids["campaign"], w.ids["metric"] = c.ID, e.ID
				}
			}
			must(db.Create(&models.Comment{TeamID: team.ID, CampaignID: &c.ID, AuthorID: prof, Body: "좋아요"}).Error)
		}
		for si := range k {
			status := models.StatusApproved
			if si%2 == 1 {
				status = models.StatusSubmitted
			}
			day := start.AddDays(si * 7)
			r := models.SalesRecord{TeamID: team.ID, PeriodStart: day, PeriodEnd: day.AddDays(6), Channel: models.ChannelAll,
				SalesKRW: 700_000, Status: status, Version: 1}
			must(db.Create(&r).Error)
			if ti == 0 && si == 0 {
				w.ids["sales"] = r.ID
			}
		}
		ev := models.Evaluation{TeamID: team.ID, AuthorID: prof, Scores: map[string]int{}, VisibleToTeam: true, Version: 1}
		must(db.Create(&ev).Error)
		if ti == 0 {
			w.ids["evaluation"] = ev.ID
		}
		// Grades: every student rates every teammate; the merchant rates the team.
		for _, rater := range students {
			for _, ratee := range students {
				must(db.Create(&models.PeerReview{TeamID: team.ID, RaterID: rater, RateeID: ratee, Version: 1,
					Scores: models.PeerScores{Contributing: 4, Interacting: 3, KeepingOnTrack: 4, ExpectingQuality: 5, HavingSkills: 4}}).Error)
			}
		}
		must(db.Create(&models.MerchantRating{TeamID: team.ID, RaterID: owner.ID, Overall: 4, VisibleToTeam: true, Version: 1}).Error)
		// Self-reliance: a baseline and an endline per merchant, k follow-ups per team.
		for _, stage := range []string{models.StageBaseline, models.StageEndline} {
			a := models.Assessment{MerchantID: m.ID, ProgramID: p.ID, Stage: stage, AssessedOn: start, Answers: map[string]int{}, EnteredBy: owner.ID, Version: 1}
			for i, it := range models.AssessmentItems {
				a.Answers[it.Key] = 1 + (i+ti)%5
			}
			must(db.Create(&a).Error)
			if ti == 0 && stage == models.StageBaseline {
				w.ids["assessment"] = a.ID
			}
		}
		for fi := range k {
			f := models.FollowUp{TeamID: team.ID, ProgramID: p.ID, Months: fi + 1, DueOn: models.AddMonths(p.EndsOn, fi+1), ChannelsActive: []models.Kind{}, Version: 1}
			if fi%2 == 0 {
				yes, on, note := true, models.AddMonths(p.EndsOn, fi+1), "계속 판매"
				f.AnsweredOn, f.StillSellingOnline, f.Note, f.AnsweredBy = &on, &yes, &note, &owner.ID
			}
			must(db.Create(&f).Error)
		}
		for ki := 0; ki < k; ki++ {
			kind := models.KindSearchAd
			tg := models.Target{TeamID: team.ID, KPI: models.TargetRoasPct, Kind: &kind, Target: 300 + float64(ki), Direction: models.DirectionIncrease, Version: 1}
			must(db.Create(&tg).Error)
			if ti == 0 && ki == 0 {
				w.ids["target"] = tg.ID
			}
		}
	}
	w.ids["user"] = w.users[models.RoleStudent].ID
	must(db.Create(&models.SearchAdLink{CampaignID: w.ids["campaign"], CustomerID: "1", SearchAdCampaignID: "cmp-1",
		APIKeySealed: "sealed", SecretKeySealed: "sealed", Version: 1}).Error)
	count := func(*gorm.DB) { w.queries.Add(1) }
	cb := db.Callback()
	must(cb.Create().After("*").Register("count:create", count))
	must(cb.Query().After("*").Register("count:query", count))
	must(cb.Update().After("*").Register("count:update", count))
	must(cb.Delete().After("*").Register("count:delete", count))
	must(cb.Row().After("*").Register("count:row", count))
	must(cb.Raw().After("*").Register("count:raw", count))
	w.env = newEnvOn(t, db)
	w.addPublication(t, k)
	w.addEvidence(t, k)
	return w
}

// addEvidence attaches k files to the first entry, the first sales record
// and every entry of the first campaign (SPEC §14.2: the paper-clip counts).
func (w *countedWorld) addEvidence(t *testing.T, k int) {
	t.Helper()
	ctx := t.Context()
	var entries []uint64
	if err := w.env.db.Model(&models.MetricEntry{}).Where("campaign_id = ?", w.ids["campaign"]).Pluck("id", &entries).Error; err != nil {
		t.Fatal(err)
	}
	add := func(entity string, id uint64) uint64 {
		ev, err := w.env.store.AddEvidence(ctx, modelstest.System, entity, id, models.EvidenceFile{Name: "e.csv", Data: []byte("a,b\n1,2\n")})
		if err != nil {
			t.Fatal(err)
		}
		return ev.ID
	}
	for range k {
		w.ids["evidence"] = add(models.EvidenceOfMetric, w.ids["metric"])
		add(models.EvidenceOfSales, w.ids["sales"])
	}
	for _, id := range entries {
		add(models.EvidenceOfMetric, id)
	}
}

// statements is how many SQL statements one GET of path sent, and its status.
func (w *countedWorld) statements(role models.Role, path string) (int64, int) {
	before := w.queries.Load()
	rec := w.env.do(http.MethodGet, path, nil, w.env.token(w.users[role]))
	return w.queries.Load() - before, rec.Code
}

// pathParams names the entity behind each route's :id.
var idEntities = map[string]string{
	"/users/":        "user",
	"/programs/":     "program",
	"/merchants/":    "merchant",
	"/teams/":        "team",
	"/campaigns/":    "campaign",
	"/metrics/":      "metric",
	"/sales/":        "sales",
	"/evaluations/":  "evaluation",
	"/publications/": "publication",
	"/targets/":      "target",
	"/assessments/":  "assessment",
	"/evidence/":     "evidence",
}

func (w *countedWorld) fill(t *testing.T, route string) string {
	t.Helper()
	route = strings.Replace(route, ":token", testShareToken, 1)
	route = strings.Replace(route, ":program_id", itoa(w.ids["program"]), 1)
	if !strings.Contains(route, ":id") {
		return route
	}
	for prefix, entity := range idEntities {
		if strings.HasPrefix(route, prefix) {
			return strings.Replace(route, ":id", itoa(w.ids[entity]), 1)
		}
	}
	t.Fatalf("route %s: no entity known for its :id; add it to idEntities", route)
	return ""
}

// Every GET route sends as many SQL statements for a program of three teams
// of three of everything as for one of six teams of six: no route loads its
// rows, its teams or their parts one query at a time (N+1).
func TestNoQueryPerRow(t *testing.T) {
	small, large := newCountedWorld(t, 3), newCountedWorld(t, 6)
	roles := []models.Role{models.RoleAdmin, models.RoleProfessor, models.RoleCity, models.RoleStudent, models.RoleMerchant}
	checked := 0
	for _, r := range small.env.srv.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		path := "/api/v1" + r.Path
		for _, role := range roles {
			n1, code1 := small.statements(role, "/api/v1"+small.fill(t, r.Path))
			n2, code2 := large.statements(role, "/api/v1"+large.fill(t, r.Path))
			if code1 != code2 {
				t.Errorf("%s as %s: status %d on the small program, %d on the large one", path, role, code1, code2)
				continue
			}
			if n2 != n1 {
				t.Errorf("%s as %s: %d SQL statements for 3 teams of 3, %d for 6 teams of 6", path, role, n1, n2)
			}
			if code1 == http.StatusOK {
				checked++
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d route and role pairs answered 200; the worlds do not exercise the routes", checked)
	}
	t.Logf("%d route and role pairs answered 200 with the same statement count at both sizes", checked)
}
