package api

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/seed"
)

// cityUnreachable are the GET routes city staff may not read at all (SPEC §3),
// with the reason; every other GET route must answer the city account at
// least once in TestCityNeverSeesStudentContacts, so that the search covers
// what city staff really receive.
var cityUnreachable = map[string]string{
	"/users":                         "user lists are for admins and professors",
	"/users/:id/export":              "admins only",
	"/programs/:id/review-queue":     "reviewers only",
	"/teams/:id/comments":            "comments are not for city staff",
	"/teams/:id/evaluations":         "grades are not for city staff",
	"/evaluations/:id":               "grades are not for city staff",
	"/audit":                         "admins and professors only",
	"/programs/:id/rubric":           "grading is the staff's",
	"/programs/:id/grading":          "grading is the staff's",
	"/programs/:id/grades":           "students' grades are not for city staff (SPEC §12.4)",
	"/programs/:id/grades.csv":       "students' grades are not for city staff (SPEC §12.4)",
	"/teams/:id/peer-reviews":        "students' reviews are not for city staff",
	"/teams/:id/peer-review-summary": "students' reviews are not for city staff",
	"/teams/:id/merchant-rating":     "a grade component, not for city staff",
	"/teams/:id/handover.xlsx":       "the merchant's own hand-over pack, not for city staff",
	// No demo campaign is linked to SearchAd (there is no SearchAd offline);
	// the link's answer holds no person at all (api/searchad_test.go
	// searches every answer for the keys).
	"/campaigns/:id/searchad-link": "no demo campaign is linked to SearchAd",
}

// SPEC §3: city staff see team and merchant names and KPIs, never students'
// contact data. On the demo program, logged in as its city account, every GET
// route of the route table is called with every id of the demo that fits its
// path (every list page, the report in both languages, the CSV and XLSX
// exports, which are unpacked), and each answer, headers included, is
// searched for every student's email address: the only contact field a
// User has.
func TestCityNeverSeesStudentContacts(t *testing.T) {
	env := newEnv(t)
	logins, err := seed.Demo(t.Context(), env.store)
	if err != nil {
		t.Fatal(err)
	}
	var city models.User
	for _, l := range logins {
		if l.Role == models.RoleCity {
			if err := env.db.Where("email = ?", l.Email).First(&city).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	if city.ID == 0 {
		t.Fatal("the demo has no city login")
	}
	cityToken := env.token(&city)

	// The needles: every student's contact data.
	var contacts []string
	env.db.Model(&models.User{}).Where("role = ?", models.RoleStudent).Pluck("email", &contacts)
	if len(contacts) < 9 {
		t.Fatalf("the demo has %d students, want one per team at least", len(contacts))
	}
	for i, c := range contacts {
		contacts[i] = strings.ToLower(c)
	}

	// The ids to put into paths: everything of the city's program(s), and
	// every user and merchant, so that a route that answers for more than
	// it should shows it.
	var programs, teams, campaigns, metrics, sales, users, merchants, evaluations, comments, targets, assessments []uint64
	env.db.Model(&models.ProgramStaff{}).Where("user_id = ?", city.ID).Order("program_id").Pluck("program_id", &programs)
	env.db.Model(&models.Team{}).Where("program_id IN ?", programs).Pluck("id", &teams)
	env.db.Model(&models.Campaign{}).Where("team_id IN ?", teams).Pluck("id", &campaigns)
	env.db.Model(&models.MetricEntry{}).Where("campaign_id IN ?", campaigns).Pluck("id", &metrics)
	env.db.Model(&models.SalesRecord{}).Where("team_id IN ?", teams).Pluck("id", &sales)
	env.db.Model(&models.User{}).Pluck("id", &users)
	env.db.Model(&models.Merchant{}).Pluck("id", &merchants)
	env.db.Model(&models.Evaluation{}).Pluck("id", &evaluations)
	env.db.Model(&models.Comment{}).Pluck("id", &comments)
	env.db.Model(&models.Target{}).Where("team_id IN ?", teams).Pluck("id", &targets)
	env.db.Model(&models.Assessment{}).Pluck("id", &assessments)
	// A publication of the city's program, shared, so that its routes and
	// its public link are searched too.
	pub, token := publishShared(t, env, &city, programs[0])
	// Evidence of an entry and a sales record of the city's program, named
	// after a student, so that its routes are searched too.
	var evidence []uint64
	for _, ev := range []struct {
		entity string
		id     uint64
	}{{models.EvidenceOfMetric, metrics[0]}, {models.EvidenceOfSales, sales[0]}} {
		e, err := env.store.AddEvidence(t.Context(), models.Actor{UserID: admin0(t, env).ID, Role: models.RoleAdmin},
			ev.entity, ev.id, models.EvidenceFile{Name: "보고서.csv", Data: []byte("날짜,매출\n2025-10-01,1000\n")})
		if err != nil {
			t.Fatal(err)
		}
		evidence = append(evidence, e.ID)
	}
	idsOf := map[string][]uint64{
		"programs": programs, "teams": teams, "campaigns": campaigns, "metrics": metrics, "sales": sales,
		"users": users, "merchants": merchants, "evaluations": evaluations, "comments": comments,
		"targets": targets, "publications": {pub}, "assessments": assessments, "evidence": evidence,
	}
	for what, ids := range idsOf {
		if len(ids) == 0 {
			t.Fatalf("the demo has no %s", what)
		}
	}

	// Positive controls: the needles and the unpacking find what is there.
	var admin models.User
	env.db.Where("role = ?", models.RoleAdmin).First(&admin)
	rec := env.do("GET", fmt.Sprintf("%s/teams/%d", BasePath, teams[0]), nil, env.token(&admin))
	expectStatus(t, rec, http.StatusOK)
	if hits := contactHits(responseText(t, rec), contacts); len(hits) == 0 {
		t.Fatalf("the admin's view of team %d shows no student email; are the needles right? %s", teams[0], rec.Body.String())
	}
	rec = env.do("GET", fmt.Sprintf("%s/programs/%d/report.xlsx", BasePath, programs[0]), nil, cityToken)
	expectStatus(t, rec, http.StatusOK)
	if text := responseText(t, rec); !strings.Contains(text, "이도공감") {
		t.Fatalf("the unpacked XLSX report does not name 이도공감; is the unpacking right?")
	}

	allStatuses := "statuses=draft,submitted,approved,returned"
	param := regexp.MustCompile(`:([a-z_]+)`)
	searched, reached := 0, map[string]int{}
	for _, r := range env.srv.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		var paths []string
		switch params := param.FindAllStringSubmatch(r.Path, -1); {
		case len(params) == 0:
			paths = []string{r.Path}
		case len(params) == 1 && params[0][1] == "id":
			resource := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")[0]
			ids, ok := idsOf[resource]
			if !ok {
				t.Fatalf("GET %s: no demo ids for %s: teach this test which ids fit", r.Path, resource)
			}
			for _, id := range ids {
				paths = append(paths, strings.Replace(r.Path, ":id", fmt.Sprint(id), 1))
			}
		case len(params) == 1 && params[0][1] == "token":
			paths = []string{strings.Replace(r.Path, ":token", token, 1)}
		default:
			t.Fatalf("GET %s: no demo ids for its parameters %v: teach this test which ids fit", r.Path, params)
		}
		queries := []string{""}
		if slices.Contains(r.Query, "lang") {
			queries = append(queries, "lang=ko", "lang=en", "lang=ko&"+allStatuses, "lang=en&"+allStatuses)
		} else if slices.Contains(r.Query, "statuses") {
			queries = append(queries, allStatuses)
		}
		if slices.Contains(r.Query, "limit") {
			queries = append(queries, "limit=500")
		}
		for _, p := range paths {
			for _, q := range queries {
				next := BasePath + p + "?" + q
				for next != "" {
					rec := env.do("GET", next, nil, cityToken)
					if rec.Code >= 500 {
						t.Errorf("GET %s: %d %s", next, rec.Code, rec.Body.String())
					}
					if rec.Code < 200 || rec.Code > 299 {
						break
					}
					searched++
					reached[r.Path]++
					if hits := contactHits(responseText(t, rec), contacts); len(hits) > 0 {
						t.Errorf("GET %s shows city staff the student contacts %v", next, hits)
					}
					next = nextPage(rec, next)
				}
			}
		}
	}
	for _, r := range env.srv.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		reason, unreachable := cityUnreachable[r.Path]
		switch {
		case unreachable && reached[r.Path] > 0:
			t.Errorf("GET %s answered city staff %d times, but cityUnreachable says %q: update it", r.Path, reached[r.Path], reason)
		case !unreachable && reached[r.Path] == 0:
			t.Errorf("GET %s never answered city staff: the search missed it (add it to cityUnreachable if city staff may not read it)", r.Path)
		}
	}
	t.Logf("searched %d answers to city staff on %d routes for %d student emails", searched, len(reached), len(contacts))
}

// admin0 is the demo's admin.
func admin0(t *testing.T, env *testEnv) *models.User {
	t.Helper()
	var admin models.User
	if err := env.db.Where("role = ?", models.RoleAdmin).First(&admin).Error; err != nil {
		t.Fatal(err)
	}
	return &admin
}

// responseText is everything an answer tells: its headers and body, and for
// an XLSX workbook (a zip) the text of every part inside it.
func responseText(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var b strings.Builder
	for k, vs := range rec.Header() {
		b.WriteString(k + ": " + strings.Join(vs, ", ") + "\n")
	}
	body := rec.Body.Bytes()
	b.Write(body)
	if bytes.HasPrefix(body, []byte("PK\x03\x04")) {
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatalf("unpack the workbook: %v", err)
		}
		for _, f := range zr.File {
			r, err := f.Open()
			if err != nil {
				t.Fatalf("unpack %s: %v", f.Name, err)
			}
			part, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				t.Fatalf("unpack %s: %v", f.Name, err)
			}
			b.Write(part)
		}
	}
	return b.String()
}

// contactHits are the contacts that text contains, ignoring case.
func contactHits(text string, contacts []string) []string {
	text = strings.ToLower(text)
	var hits []string
	for _, c := range contacts {
		if strings.Contains(text, c) {
			hits = append(hits, c)
		}
	}
	return hits
}

// nextPage is the URL of a list answer's next page, or "" when there is none
// (or the answer is not a list).
func nextPage(rec *httptest.ResponseRecorder, current string) string {
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	if json.Unmarshal(rec.Body.Bytes(), &page) != nil || page.NextCursor == "" {
		return ""
	}
	u, err := url.Parse(current)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("cursor", page.NextCursor)
	u.RawQuery = q.Encode()
	return u.String()
}
