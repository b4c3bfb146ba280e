package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/modelstest"
)

// gradeWorld is a program of random teams for the grade sheet: each team
// has 1–5 students who rate some teammates (themselves too), maybe an
// evaluation or two, maybe a merchant's rating, maybe targets with or
// without data. The expectation is computed here from what was written,
// independently of models/grade.
type gradeWorld struct {
	env      *testEnv
	prof     *models.User
	program  uint64
	weights  [3]int
	teams    []*gradeTeam
	seen     map[string]int // situations generated, so that none goes untested
	students map[uint64]*models.User
}

type gradeTeam struct {
	id       uint64
	name     string
	owner    *models.User
	students []uint64
	rubric   *float64  // the last evaluation's total
	overall  *int      // the merchant's overall
	targets  []float64 // attainments of the targets with data
	reviews  map[[2]uint64]float64
}

func newGradeWorld(t *testing.T, rng *rand.Rand) *gradeWorld {
	t.Helper()
	env := newEnv(t)
	db := env.db
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	user := func(role models.Role, name string) *models.User {
		n++
		u := &models.User{Email: fmt.Sprintf("u%d@grades.test", n), Name: name, Role: role, Locale: models.LocaleKo, PasswordHash: "x"}
		must(db.Create(u).Error)
		return u
	}
	w := &gradeWorld{env: env, prof: user(models.RoleProfessor, "교수"), seen: map[string]int{}, students: map[uint64]*models.User{}}
	start := civil.MustParse("2026-03-02")
	p := models.Program{Name: "콘텐츠마케팅", City: "부산광역시", StartsOn: start, EndsOn: start.AddDays(100), Status: models.ProgramActive, Version: 1}
	must(db.Create(&p).Error)
	w.program = p.ID
	must(db.Create(&models.ProgramStaff{ProgramID: p.ID, UserID: w.prof.ID, Role: models.StaffProfessor}).Error)
	prof := env.token(w.prof)

	// Weights: sometimes the default, sometimes random (a zero among them).
	w.weights = [3]int{70, 15, 15}
	if rng.IntN(2) == 0 {
		a := rng.IntN(101)
		b := rng.IntN(101 - a)
		w.weights = [3]int{a, b, 100 - a - b}
		rec := env.do("PUT", fmt.Sprintf("%s/programs/%d/grading", BasePath, p.ID),
			map[string]int{"rubric_weight": a, "merchant_weight": b, "targets_weight": 100 - a - b}, prof)
		expectStatus(t, rec, http.StatusOK)
	}

	for ti := range 3 + rng.IntN(5) {
		gt := &gradeTeam{name: fmt.Sprintf("%d팀", ti), owner: user(models.RoleMerchant, fmt.Sprintf("사장%d", ti)), reviews: map[[2]uint64]float64{}}
		m := models.Merchant{Name: fmt.Sprintf("가게%d", ti), OwnerUserID: &gt.owner.ID, Version: 1}
		must(db.Create(&m).Error)
		team := models.Team{ProgramID: p.ID, Name: gt.name, MerchantID: m.ID, Version: 1}
		must(db.Create(&team).Error)
		gt.id = team.ID
		for si := range 1 + rng.IntN(5) {
			s := user(models.RoleStudent, fmt.Sprintf("학생%d-%d", ti, si))
			w.students[s.ID] = s
			gt.students = append(gt.students, s.ID)
			must(db.Create(&models.TeamMember{TeamID: team.ID, UserID: s.ID, Role: models.MemberMember}).Error)
		}
		// Peer reviews through the API, some pairs left out, self-ratings
		// included; a rater sometimes rates far above or far below.
		for _, rater := range gt.students {
			bias := rng.IntN(3) - 1
			for _, ratee := range gt.students {
				if rng.Float64() < 0.25 {
					continue
				}
				sc := map[string]int{}
				sum := 0
				for _, dim := range []string{"contributing", "interacting", "keeping_on_track", "expecting_quality", "having_skills"} {
					v := max(1, min(5, 3+bias+rng.IntN(3)-1))
					sc[dim] = v
					sum += v
				}
				rec := env.do("PUT", fmt.Sprintf("%s/teams/%d/peer-reviews/%d", BasePath, team.ID, ratee),
					map[string]any{"scores": sc, "comment": "수고했어요"}, env.token(w.students[rater]))
				expectStatus(t, rec, http.StatusOK)
				gt.reviews[[2]uint64{rater, ratee}] = float64(sum) / 5
			}
		}
		// Evaluations: none, one or two (the later counts).
		for range rng.IntN(3) {
			sc := map[string]int{"planning": rng.IntN(21), "execution": rng.IntN(31), "results": rng.IntN(31), "collaboration": rng.IntN(21)}
			rec := env.do("POST", fmt.Sprintf("%s/teams/%d/evaluations", BasePath, team.ID), map[string]any{"scores": sc}, prof)
			expectStatus(t, rec, http.StatusCreated)
			total := float64(sc["planning"] + sc["execution"] + sc["results"] + sc["collaboration"])
			gt.rubric = &total
		}
		if rng.IntN(3) > 0 {
			overall := 1 + rng.IntN(5)
			rec := env.do("PUT", fmt.Sprintf("%s/teams/%d/merchant-rating", BasePath, team.ID),
				map[string]any{"overall": overall, "skills": map[string]int{"creativity": 1 + rng.IntN(5)}}, env.token(gt.owner))
			expectStatus(t, rec, http.StatusOK)
			gt.overall = &overall
		}
		// Targets: revenue of approved search ads against a target (with a
		// baseline sometimes), and a shopping-ad ROAS without any data.
		if rng.IntN(3) > 0 {
			c := models.Campaign{TeamID: team.ID, Kind: models.KindSearchAd, Name: "파워링크", StartsOn: start, EndsOn: start.AddDays(20), Version: 1}
			must(db.Create(&c).Error)
			revenue := int64(0)
			for d := range 1 + rng.IntN(4) {
				status := models.StatusApproved
				if d == 2 {
					status = models.StatusSubmitted
				}
				r := int64(rng.IntN(500_000))
				must(db.Create(&models.MetricEntry{CampaignID: c.ID, Date: start.AddDays(d), SpendKRW: 10_000, RevenueKRW: r, Clicks: 5, Impressions: 100, Status: status, Version: 1}).Error)
				if status == models.StatusApproved {
					revenue += r
				}
			}
			search := models.KindSearchAd
			for range 1 + rng.IntN(2) {
				goal := float64(100_000 + rng.IntN(900_000))
				tg := models.Target{TeamID: team.ID, KPI: models.TargetRevenueKRW, Kind: &search, Target: goal, Direction: models.DirectionIncrease, Version: 1}
				att := float64(revenue) / goal * 100
				if rng.IntN(2) == 0 {
					base := float64(rng.IntN(400_000))
					tg.Baseline = &base
					att = (float64(revenue) - base) / (goal - base) * 100
				}
				must(db.Create(&tg).Error)
				gt.targets = append(gt.targets, att)
			}
			shop := models.KindShoppingAd
			must(db.Create(&models.Target{TeamID: team.ID, KPI: models.TargetRoasPct, Kind: &shop, Target: 500, Direction: models.DirectionIncrease, Version: 1}).Error)
		}
		w.teams = append(w.teams, gt)
	}
	return w
}

// expectedRow is one student's grade computed from the world's records.
type expectedRow struct {
	rubric, merchant, targets, team, af, afRaw, final *float64
	missing                                           []string
}

func (w *gradeWorld) expected() map[[2]uint64]expectedRow {
	out := map[[2]uint64]expectedRow{}
	for _, gt := range w.teams {
		var row expectedRow
		row.missing = []string{}
		row.rubric = gt.rubric
		if gt.overall != nil {
			v := float64(*gt.overall-1) * 25
			row.merchant = &v
		}
		if len(gt.targets) > 0 {
			sum := 0.0
			for _, a := range gt.targets {
				if a > 100 {
					w.seen["target over 100"]++
					a = 100
				}
				if a < 0 {
					w.seen["target below 0"]++
					a = 0
				}
				sum += a
			}
			v := sum / float64(len(gt.targets))
			row.targets = &v
		}
		num, den := 0.0, 0.0
		for i, c := range []*float64{row.rubric, row.merchant, row.targets} {
			if c == nil {
				row.missing = append(row.missing, []string{"rubric", "merchant", "targets"}[i])
				continue
			}
			num += *c * float64(w.weights[i])
			den += float64(w.weights[i])
		}
		if den > 0 {
			v := num / den
			row.team = &v
		}
		if len(row.missing) > 0 {
			w.seen["component missing"]++
		}
		// r per student: teammates' ratings only.
		r := map[uint64]float64{}
		for _, ratee := range gt.students {
			sum, k := 0.0, 0
			for _, rater := range gt.students {
				if v, ok := gt.reviews[[2]uint64{rater, ratee}]; ok && rater != ratee {
					sum += v
					k++
				}
			}
			if k > 0 {
				r[ratee] = sum / float64(k)
			}
		}
		mean := 0.0
		for _, v := range r {
			mean += v
		}
		mean /= float64(len(r))
		for _, s := range gt.students {
			sr := row
			sr.missing = slices.Clone(row.missing)
			f := 1.0
			if v, ok := r[s]; ok {
				raw := v / mean
				af := raw
				switch {
				case raw > 1.05:
					af = 1.05
					w.seen["af capped"]++
				case raw >= 0.95 && raw < 1:
					af = 1
					w.seen["af rounded up"]++
				case raw < 0.95:
					w.seen["af below 0.95"]++
				}
				sr.afRaw, sr.af, f = &raw, &af, af
			} else {
				sr.missing = append(sr.missing, "peer_review")
				w.seen["unrated student"]++
			}
			if sr.team != nil {
				v := math.Min(100, *sr.team*f)
				if *sr.team*f > 100 {
					w.seen["final capped"]++
				}
				sr.final = &v
			}
			out[[2]uint64{gt.id, s}] = sr
		}
	}
	return out
}

func sameNumber(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) < 1e-9
}

func show(v *float64) string {
	if v == nil {
		return "null"
	}
	return strconv.FormatFloat(*v, 'f', 6, 64)
}

// The grade sheet against an independent computation on random programs,
// until every situation of SPEC §12 has been met: self-ratings, unrated
// students, missing components, CATME's rounding and cap, targets clamped.
func TestGradesAgainstIndependentComputation(t *testing.T) {
	seen := map[string]int{}
	want := []string{"af capped", "af rounded up", "af below 0.95", "unrated student", "component missing", "target over 100", "target below 0"}
	rows := 0
	for seed := uint64(1); seed <= 40; seed++ {
		w := newGradeWorld(t, rand.New(rand.NewPCG(seed, 14)))
		exp := w.expected()
		rec := w.env.do("GET", fmt.Sprintf("%s/programs/%d/grades", BasePath, w.program), nil, w.env.token(w.prof))
		expectStatus(t, rec, http.StatusOK)
		sheet := decode[models.GradeSheet](t, rec)
		if len(sheet.Items) != len(exp) {
			t.Fatalf("seed %d: %d rows, want %d", seed, len(sheet.Items), len(exp))
		}
		for _, g := range sheet.Items {
			e, ok := exp[[2]uint64{g.TeamID, g.StudentID}]
			if !ok {
				t.Fatalf("seed %d: an unexpected row %+v", seed, g)
			}
			for _, c := range []struct {
				name      string
				got, want *float64
			}{{"rubric_pct", g.RubricPct, e.rubric}, {"merchant_pct", g.MerchantPct, e.merchant}, {"targets_pct", g.TargetsPct, e.targets},
				{"team_grade", g.TeamGrade, e.team}, {"af", g.AF, e.af}, {"af_raw", g.AFRaw, e.afRaw}, {"final_grade", g.FinalGrade, e.final}} {
				if !sameNumber(c.got, c.want) {
					t.Errorf("seed %d, team %s, student %d: %s = %s, want %s", seed, g.TeamName, g.StudentID, c.name, show(c.got), show(c.want))
				}
			}
			if !slices.Equal(g.Missing, e.missing) {
				t.Errorf("seed %d, student %d: missing %v, want %v", seed, g.StudentID, g.Missing, e.missing)
			}
			if g.Email != w.students[g.StudentID].Email || g.Name != w.students[g.StudentID].Name {
				t.Errorf("seed %d: row of student %d names %q <%s>", seed, g.StudentID, g.Name, g.Email)
			}
			rows++
		}
		for k, v := range w.seen {
			seen[k] += v
		}
		done := true
		for _, s := range want {
			done = done && seen[s] > 0
		}
		if done && seed >= 8 {
			break
		}
	}
	for _, s := range want {
		if seen[s] == 0 {
			t.Errorf("no random program produced the situation %q; the test does not cover it", s)
		}
	}
	t.Logf("%d rows checked; situations: %v", rows, seen)
}

// The CSV is the JSON sheet in spreadsheet form: BOM, JSON names as headers,
// Korean intact, null empty, missing joined with ";", formulas neutralised.
func TestGradesCSVReadBack(t *testing.T) {
	w := newGradeWorld(t, rand.New(rand.NewPCG(3, 14)))
	first := w.teams[0].students[0]
	w.env.db.Model(&models.User{}).Where("id = ?", first).Update("name", "=HYPERLINK(\"http://x\")김")
	tok := w.env.token(w.prof)
	sheet := decode[models.GradeSheet](t, w.env.do("GET", fmt.Sprintf("%s/programs/%d/grades", BasePath, w.program), nil, tok))
	rec := w.env.do("GET", fmt.Sprintf("%s/programs/%d/grades.csv", BasePath, w.program), nil, tok)
	expectStatus(t, rec, http.StatusOK)
	body := rec.Body.Bytes()
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Fatal("the CSV has no byte-order mark")
	}
	records, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"student_id", "name", "email", "team_id", "team_name", "rubric_pct", "merchant_pct", "targets_pct", "team_grade", "af", "af_raw", "final_grade", "missing"}
	if !slices.Equal(records[0], header) {
		t.Fatalf("header %v, want %v", records[0], header)
	}
	if len(records)-1 != len(sheet.Items) {
		t.Fatalf("%d CSV rows, %d JSON rows", len(records)-1, len(sheet.Items))
	}
	num := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	for i, g := range sheet.Items {
		name := g.Name
		if strings.HasPrefix(name, "=") {
			name = "'" + name
		}
		want := []string{itoa(g.StudentID), name, g.Email, itoa(g.TeamID), g.TeamName, num(g.RubricPct), num(g.MerchantPct),
			num(g.TargetsPct), num(g.TeamGrade), num(g.AF), num(g.AFRaw), num(g.FinalGrade), strings.Join(g.Missing, ";")}
		if !slices.Equal(records[i+1], want) {
			t.Errorf("row %d: %q, want %q", i+1, records[i+1], want)
		}
	}
	if !strings.Contains(string(body), "'=HYPERLINK") || !strings.Contains(string(body), "학생") {
		t.Error("the CSV lost the neutralised name or the Korean text")
	}
}

// Bad input answers 422 (or 409) with fields and writes nothing.
func TestGradesBadInput(t *testing.T) {
	env := newEnv(t)
	w := modelstest.BuildWorld(t, env.store)
	prof, student, merchant := env.token(w.Prof), env.token(w.Student), env.token(w.Merchant)
	// What a refused write must leave as it was: the audit chain and every
	// table a grade write touches, counted and summed (a changed weight or
	// rubric moves the sum of versions).
	audits := func() string {
		var out []string
		for _, q := range []string{"SELECT COUNT(*) FROM audit_events", "SELECT COUNT(*) FROM peer_reviews",
			"SELECT COUNT(*) FROM merchant_ratings", "SELECT COUNT(*) FROM evaluations",
			"SELECT COUNT(*) + COALESCE(SUM(version), 0) FROM program_gradings",
			"SELECT COUNT(*) + COALESCE(SUM(version), 0) FROM program_rubrics"} {
			var n int64
			if err := env.db.Raw(q).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(n))
		}
		return strings.Join(out, "/")
	}
	// Program A has a rubric of its own and weights before its evaluation,
	// so that the refused changes below have rows to leave untouched.
	expectStatus(t, env.do("PUT", BasePath+fmt.Sprintf("/programs/%d/grading", w.ProgramA.ID),
		map[string]int{"rubric_weight": 60, "merchant_weight": 20, "targets_weight": 20}, prof), http.StatusOK)
	v1 := func(format string, args ...any) string { return BasePath + fmt.Sprintf(format, args...) }
	for _, c := range []struct {
		name, method, url, token string
		body                     any
		status                   int
		field                    string
	}{
		{"score of 6", "PUT", v1("/teams/%d/peer-reviews/%d", w.TeamA1.ID, w.Student.ID), student,
			map[string]any{"scores": map[string]int{"contributing": 6, "interacting": 3, "keeping_on_track": 3, "expecting_quality": 3, "having_skills": 3}}, 422, "scores.contributing"},
		{"a score missing", "PUT", v1("/teams/%d/peer-reviews/%d", w.TeamA1.ID, w.Student.ID), student,
			map[string]any{"scores": map[string]int{"contributing": 3}}, 422, "scores.having_skills"},
		{"ratee outside the team", "PUT", v1("/teams/%d/peer-reviews/%d", w.TeamA1.ID, w.OtherStudent.ID), student,
			map[string]any{"scores": map[string]int{"contributing": 3, "interacting": 3, "keeping_on_track": 3, "expecting_quality": 3, "having_skills": 3}}, 422, "ratee_id"},
		{"weights summing to 90", "PUT", v1("/programs/%d/grading", w.ProgramA.ID), prof,
			map[string]int{"rubric_weight": 60, "merchant_weight": 15, "targets_weight": 15}, 422, "rubric_weight"},
		{"a weight missing", "PUT", v1("/programs/%d/grading", w.ProgramA.ID), prof,
			map[string]int{"rubric_weight": 85, "merchant_weight": 15}, 422, "targets_weight"},
		{"rubric summing to 90", "PUT", v1("/programs/%d/rubric", w.ProgramB.ID), env.token(w.OtherProf),
			map[string]any{"criteria": []map[string]any{{"key": "a", "label_ko": "가", "label_en": "A", "max_points": 90}}}, 422, "criteria"},
		{"rubric keys twice", "PUT", v1("/programs/%d/rubric", w.ProgramB.ID), env.token(w.OtherProf),
			map[string]any{"criteria": []map[string]any{{"key": "a", "label_ko": "가", "label_en": "A", "max_points": 50}, {"key": "a", "label_ko": "나", "label_en": "B", "max_points": 50}}}, 422, "criteria[1].key"},
		{"rubric change after grading", "PUT", v1("/programs/%d/rubric", w.ProgramA.ID), prof,
			map[string]any{"criteria": []map[string]any{{"key": "all", "label_ko": "전체", "label_en": "All", "max_points": 100}}}, 409, ""},
		{"merchant overall 0", "PUT", v1("/teams/%d/merchant-rating", w.TeamA1.ID), merchant,
			map[string]any{"overall": 0}, 422, "overall"},
		{"merchant skill 9", "PUT", v1("/teams/%d/merchant-rating", w.TeamA1.ID), merchant,
			map[string]any{"overall": 3, "skills": map[string]int{"creativity": 9}}, 422, "skills.creativity"},
		{"a merchant rates another store's team", "PUT", v1("/teams/%d/merchant-rating", w.TeamA2.ID), merchant,
			map[string]any{"overall": 3}, 404, ""},
		{"a score of the wrong type", "PUT", v1("/teams/%d/peer-reviews/%d", w.TeamA1.ID, w.Student.ID), student,
			`{"scores": {"contributing": "five"}}`, 422, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := audits()
			rec := env.do(c.method, c.url, c.body, c.token)
			expectStatus(t, rec, c.status)
			if c.field != "" {
				var e struct {
					Error struct {
						Fields map[string]string `json:"fields"`
					} `json:"error"`
				}
				e = decode[struct {
					Error struct {
						Fields map[string]string `json:"fields"`
					} `json:"error"`
				}](t, rec)
				if _, ok := e.Error.Fields[c.field]; !ok {
					t.Errorf("fields %v do not name %s", e.Error.Fields, c.field)
				}
			}
			if c.status == http.StatusConflict && !strings.Contains(rec.Body.String(), `"code":"rubric_in_use"`) {
				t.Errorf("409 without its code: %s", rec.Body.String())
			}
			if after := audits(); after != before {
				t.Errorf("a refused write changed the rows (audit/peer/merchant/evaluations/grading/rubric): %s → %s", before, after)
			}
		})
	}
	var n int64
	env.db.Model(&models.PeerReview{}).Count(&n)
	if n != 0 {
		t.Errorf("%d peer reviews written by refused requests", n)
	}
}

// The rubric of a program: a new one is accepted before any evaluation,
// evaluations are checked against it, and once one exists only the same
// rubric passes (200, nothing written).
func TestProgramRubricLifecycle(t *testing.T) {
	env := newEnv(t)
	w := modelstest.BuildWorld(t, env.store)
	prof := env.token(w.OtherProf) // program B has no evaluation yet
	url := fmt.Sprintf("%s/programs/%d/rubric", BasePath, w.ProgramB.ID)
	rubric := map[string]any{"criteria": []map[string]any{
		{"key": "content", "label_ko": "콘텐츠", "label_en": "Content", "max_points": 60},
		{"key": "teamwork", "label_ko": "팀워크", "label_en": "Teamwork", "max_points": 40}}}
	expectStatus(t, env.do("PUT", url, rubric, prof), http.StatusOK)
	got := decode[models.ProgramRubric](t, env.do("GET", url, nil, prof))
	if len(got.Criteria) != 2 || got.Criteria[0].Key != "content" || got.Version != 1 {
		t.Fatalf("rubric %+v", got)
	}
	evals := fmt.Sprintf("%s/teams/%d/evaluations", BasePath, w.TeamB1.ID)
	rec := env.do("POST", evals, map[string]any{"scores": map[string]int{"planning": 20, "execution": 30, "results": 30, "collaboration": 20}}, prof)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	rec = env.do("POST", evals, map[string]any{"scores": map[string]int{"content": 61, "teamwork": 10}}, prof)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	rec = env.do("POST", evals, map[string]any{"scores": map[string]int{"content": 55, "teamwork": 38}}, prof)
	expectStatus(t, rec, http.StatusCreated)
	var before int64
	env.db.Model(&models.AuditEvent{}).Count(&before)
	expectStatus(t, env.do("PUT", url, rubric, prof), http.StatusOK)
	var after int64
	env.db.Model(&models.AuditEvent{}).Count(&after)
	if after != before {
		t.Error("sending the same rubric again wrote something")
	}
	changed := map[string]any{"criteria": []map[string]any{
		{"key": "content", "label_ko": "콘텐츠", "label_en": "Content", "max_points": 50},
		{"key": "teamwork", "label_ko": "팀워크", "label_en": "Teamwork", "max_points": 50}}}
	rec = env.do("PUT", url, changed, prof)
	expectStatus(t, rec, http.StatusConflict)
	if !strings.Contains(rec.Body.String(), "rubric_in_use") {
		t.Errorf("409 without its code: %s", rec.Body.String())
	}
	sheet := decode[models.GradeSheet](t, env.do("GET", fmt.Sprintf("%s/programs/%d/grades", BasePath, w.ProgramB.ID), nil, prof))
	if len(sheet.Items) != 1 || sheet.Items[0].RubricPct == nil || *sheet.Items[0].RubricPct != 93 {
		t.Errorf("grade sheet of program B: %+v", sheet.Items)
	}
}

// Peer reviews stay private: a student reads only the reviews they gave,
// never who rated them what, and never the grade sheet.
func TestPeerReviewsArePrivate(t *testing.T) {
	env := newEnv(t)
	w := modelstest.BuildWorld(t, env.store)
	// A second student on team A1 rates the first.
	mate := &models.User{Email: "mate@test.nalgae", Name: "동료", Role: models.RoleStudent, Locale: models.LocaleKo, PasswordHash: "x"}
	if err := env.db.Create(mate).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := env.store.AddMember(t.Context(), modelstest.System, w.TeamA1.ID, mate.ID, models.MemberMember); err != nil {
		t.Fatal(err)
	}
	scores := map[string]any{"scores": map[string]int{"contributing": 2, "interacting": 2, "keeping_on_track": 2, "expecting_quality": 2, "having_skills": 2}, "comment": "비밀 코멘트"}
	expectStatus(t, env.do("PUT", fmt.Sprintf("%s/teams/%d/peer-reviews/%d", BasePath, w.TeamA1.ID, w.Student.ID), scores, env.token(mate)), http.StatusOK)
	rec := env.do("GET", fmt.Sprintf("%s/teams/%d/peer-reviews", BasePath, w.TeamA1.ID), nil, env.token(w.Student))
	expectStatus(t, rec, http.StatusOK)
	if strings.Contains(rec.Body.String(), "비밀 코멘트") || len(decode[models.PeerReviewList](t, rec).Items) != 0 {
		t.Errorf("the ratee reads a review of them: %s", rec.Body.String())
	}
	rec = env.do("GET", fmt.Sprintf("%s/teams/%d/peer-reviews", BasePath, w.TeamA1.ID), nil, env.token(mate))
	if items := decode[models.PeerReviewList](t, rec).Items; len(items) != 1 || items[0].RaterID != mate.ID {
		t.Errorf("the rater's own list: %s", rec.Body.String())
	}
	for _, path := range []string{"/programs/%d/grades", "/programs/%d/grades.csv"} {
		expectStatus(t, env.do("GET", fmt.Sprintf(BasePath+path, w.ProgramA.ID), nil, env.token(w.Student)), http.StatusForbidden)
		expectStatus(t, env.do("GET", fmt.Sprintf(BasePath+path, w.ProgramA.ID), nil, env.token(w.City)), http.StatusForbidden)
		expectStatus(t, env.do("GET", fmt.Sprintf(BasePath+path, w.ProgramA.ID), nil, env.token(w.OtherCity)), http.StatusNotFound)
	}
	// The professor's summary flags nothing for a single rating, and has the
	// rated student's factor.
	sum := decode[models.PeerSummary](t, env.do("GET", fmt.Sprintf("%s/teams/%d/peer-review-summary", BasePath, w.TeamA1.ID), nil, env.token(w.Prof)))
	if len(sum.Students) != 2 || len(sum.Items) != 1 {
		t.Fatalf("summary %+v", sum)
	}
}
