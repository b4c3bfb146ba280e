package api

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/imports"
	"github.com/nalgae/nalgae/models/modelstest"
)

// importFixture reads a file of models/imports/testdata.
func importFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "models", "imports", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// upload posts data as the multipart field "file".
func (e *testEnv) upload(url, fileName string, data []byte, token string) *httptest.ResponseRecorder {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("note", "uploaded by a test"); err != nil {
		e.t.Fatal(err)
	}
	part, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := part.Write(data); err != nil {
		e.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		e.t.Fatal(err)
	}
	req := httptest.NewRequest("POST", url, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// counts are the rows an import may write.
type counts struct{ metrics, sales, audits int64 }

func (e *testEnv) counts() counts {
	e.t.Helper()
	var c counts
	for _, q := range []struct {
		model any
		n     *int64
	}{{&models.MetricEntry{}, &c.metrics}, {&models.SalesRecord{}, &c.sales}, {&models.AuditEvent{}, &c.audits}} {
		if err := e.db.Model(q.model).Count(q.n).Error; err != nil {
			e.t.Fatal(err)
		}
	}
	return c
}

func (e *testEnv) newCampaign(teamID uint64, kind models.Kind, name string) *models.Campaign {
	e.t.Helper()
	start, end := civil.MustParse("2025-10-01"), civil.MustParse("2025-10-31")
	c, err := e.store.CreateCampaign(context.Background(), modelstest.System, teamID,
		models.CampaignInput{Kind: &kind, Name: &name, StartsOn: &start, EndsOn: &end})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// The fixture's ten days, summed by hand from searchAdDays in
// models/imports/fixtures_test.go: what every Naver variant must give.
const (
	fixtureImpressions = 130170
	fixtureClicks      = 3263
	fixtureSpend       = 1966200
	fixtureConversions = 89
	fixtureRevenue     = 12153300
	fixtureDays        = 10
)

func closeTo(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestImportNaverVariants imports each of the four SearchAd fixtures into a
// fresh campaign: the KPIs equal a computation from the fixture's numbers,
// the entries are drafts naming the file, one audit event records the
// import, and a second import of the same file changes and audits nothing.
func TestImportNaverVariants(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	for _, file := range []string{"searchad_old_cp949.csv", "searchad_2026_utf8bom.csv", "searchad.tsv", "searchad.xlsx"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			env := newEnvOn(t, clone(t))
			student := env.token(w.Student)
			c := env.newCampaign(w.TeamA1.ID, models.KindShoppingAd, "쇼핑검색 "+file)
			data := importFixture(t, file)
			url := "/api/v1/campaigns/" + itoa(c.ID) + "/imports?dry_run=false"

			before := env.counts()
			rec := env.upload(url, file, data, student)
			expectStatus(t, rec, http.StatusOK)
			res := decode[models.ImportResult](t, rec)
			if res.DryRun || res.Days != fixtureDays || res.Created != fixtureDays || res.Updated != 0 || res.Unchanged != 0 ||
				len(res.Errors) != 0 || len(res.Warnings) != 0 || !strings.HasPrefix(res.Format, "naver_searchad_") {
				t.Fatalf("first import: %+v", res)
			}
			after := env.counts()
			if after.metrics-before.metrics != fixtureDays || after.audits-before.audits != 1 {
				t.Fatalf("wrote %d entries and %d audit events, want %d and 1", after.metrics-before.metrics, after.audits-before.audits, fixtureDays)
			}

			kpis := decode[models.CampaignKPIs](t, env.do("GET", "/api/v1/campaigns/"+itoa(c.ID)+"/kpis", nil, student))
			b := kpis.Total
			if b.SpendKRW != fixtureSpend || b.Impressions != fixtureImpressions || b.Clicks != fixtureClicks ||
				b.Conversions != fixtureConversions || b.RevenueKRW != fixtureRevenue {
				t.Errorf("sums %+v, want the fixture's", b)
			}
			for name, pair := range map[string]struct {
				got  *float64
				want float64
			}{
				"roas": {b.RoasPct, float64(fixtureRevenue) / fixtureSpend * 100},
				"ctr":  {b.CtrPct, float64(fixtureClicks) / fixtureImpressions * 100},
				"cpc":  {b.CpcKRW, float64(fixtureSpend) / fixtureClicks},
				"cvr":  {b.CvrPct, float64(fixtureConversions) / fixtureClicks * 100},
				"cpa":  {b.CpaKRW, float64(fixtureSpend) / fixtureConversions},
				"aov":  {b.AovKRW, float64(fixtureRevenue) / fixtureConversions},
			} {
				if pair.got == nil || !closeTo(*pair.got, pair.want) {
					t.Errorf("%s = %v, want %v", name, pair.got, pair.want)
				}
			}

			page := decode[models.Page[models.MetricEntry]](t, env.do("GET", "/api/v1/campaigns/"+itoa(c.ID)+"/metrics?limit=500", nil, student))
			for _, m := range page.Items {
				if m.Status != models.StatusDraft || m.Source != "import:"+file || m.Version != 1 {
					t.Errorf("entry %s: status %s, source %q, version %d", m.Date, m.Status, m.Source, m.Version)
				}
			}
			var ev models.AuditEvent
			env.db.Order("id DESC").First(&ev)
			var audited map[string]any
			if err := json.Unmarshal([]byte(ev.After), &audited); err != nil {
				t.Fatal(err)
			}
			if ev.Action != "import" || ev.Entity != "metric" || ev.UserID == nil || *ev.UserID != w.Student.ID ||
				audited["file"] != file || len(audited["sha256"].(string)) != 64 || audited["created"] != float64(fixtureDays) {
				t.Errorf("audit event %s %s by %v: %s", ev.Action, ev.Entity, ev.UserID, ev.After)
			}

			// Again: nothing created or updated, nothing written, no audit.
			rec = env.upload(url, file, data, student)
			expectStatus(t, rec, http.StatusOK)
			again := decode[models.ImportResult](t, rec)
			if again.Created != 0 || again.Updated != 0 || again.Unchanged != fixtureDays || len(again.Errors) != 0 {
				t.Errorf("second import: %+v", again)
			}
			if now := env.counts(); now != after {
				t.Errorf("the second import wrote: %+v, before %+v", now, after)
			}
		})
	}
}

// TestImportPreviewAndRefusal: a preview (the default) writes nothing; a
// file with one bad cell is refused whole on apply, naming its line and
// column, and writes nothing.
func TestImportPreviewAndRefusal(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	student := env.token(w.Student)
	c := env.newCampaign(w.TeamA1.ID, models.KindSearchAd, "파워링크")
	url := "/api/v1/campaigns/" + itoa(c.ID) + "/imports"
	start := env.counts()

	rec := env.upload(url, "searchad_old_cp949.csv", importFixture(t, "searchad_old_cp949.csv"), student)
	expectStatus(t, rec, http.StatusOK)
	preview := decode[models.ImportResult](t, rec)
	if !preview.DryRun || preview.Created != fixtureDays || preview.Encoding != "cp949" || preview.Format != "naver_searchad_csv" || preview.RowsRead != fixtureDays {
		t.Errorf("preview: %+v", preview)
	}
	if env.counts() != start {
		t.Error("a preview wrote something")
	}

	for _, dry := range []string{"true", "false"} {
		rec = env.upload(url+"?dry_run="+dry, "searchad_bad_cell.csv", importFixture(t, "searchad_bad_cell.csv"), student)
		res := decode[models.ImportResult](t, rec)
		wantStatus := map[string]int{"true": 200, "false": 422}[dry]
		if rec.Code != wantStatus || len(res.Errors) != 1 || res.Errors[0].Line != 6 || res.Errors[0].Column != "클릭수" ||
			!strings.Contains(res.Errors[0].Message, `"4O2" is not a number`) {
			t.Errorf("dry_run=%s: %d %s", dry, rec.Code, rec.Body.String())
		}
		if env.counts() != start {
			t.Errorf("dry_run=%s with an error wrote something", dry)
		}
	}
	for _, bad := range []string{"maybe", "2"} {
		expectStatus(t, env.upload(url+"?dry_run="+bad, "a.csv", importFixture(t, "searchad.tsv"), student), http.StatusUnprocessableEntity)
	}
	metrics := env.do("GET", "/metrics", nil, "").Body.String()
	for _, want := range []string{
		`nalgae_imports_total{kind="metrics",outcome="previewed"} 2`,
		`nalgae_imports_total{kind="metrics",outcome="refused"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestImportFilesThatAreNotWhatTheyClaim answers 4xx in words.
func TestImportFilesThatAreNotWhatTheyClaim(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	prof := env.token(w.Prof)
	campaign := "/api/v1/campaigns/" + itoa(w.CampaignA1.ID) + "/imports?dry_run=false"
	sales := "/api/v1/teams/" + itoa(w.TeamA2.ID) + "/sales/imports?dry_run=false"
	start := env.counts()
	cases := []struct {
		name, url, file string
		data            []byte
		status          int
		code, says      string
	}{
		{"xlsx that is not a zip", campaign, "not_a_zip.xlsx", importFixture(t, "not_a_zip.xlsx"), 415, "unsupported_file", "not a zip archive"},
		{"png named csv", campaign, "image_named.csv", importFixture(t, "image_named.csv"), 415, "unsupported_file", "a PNG image"},
		{"binary garbage", campaign, "binary.csv", importFixture(t, "binary.csv"), 415, "unsupported_file", "binary data"},
		{"no header", campaign, "no_header.csv", importFixture(t, "no_header.csv"), 422, "unrecognised_file", "No header Nalgae knows"},
		{"sales sheet into a campaign", campaign, "smartstore_sales.xlsx", importFixture(t, "smartstore_sales.xlsx"), 422, "unrecognised_file", "Smart Store sales sheet"},
		{"report into sales", sales, "searchad.tsv", importFixture(t, "searchad.tsv"), 422, "unrecognised_file", "Naver SearchAd report"},
		{"live template into a search campaign", campaign, "live_filled.csv", importFixture(t, "live_filled.csv"), 422, "unrecognised_file", "live_commerce campaigns"},
		{"empty", campaign, "empty.csv", nil, 415, "unsupported_file", "empty"},
		{"over 20 MiB", campaign, "big.csv", bytes.Repeat([]byte("a"), MaxUploadBytes+1), 413, "too_large", "larger than 20 MiB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := env.upload(tc.url, tc.file, tc.data, prof)
			body := decode[ErrorBody](t, rec)
			if rec.Code != tc.status || body.Error.Code != tc.code || !strings.Contains(body.Error.Message, tc.says) {
				t.Errorf("%d %s, want %d %s saying %q", rec.Code, rec.Body.String(), tc.status, tc.code, tc.says)
			}
		})
	}
	// Not an upload at all.
	rec := env.do("POST", campaign, map[string]any{"file": "x"}, prof)
	if body := decode[ErrorBody](t, rec); rec.Code != 415 || !strings.Contains(body.Error.Message, "multipart/form-data") {
		t.Errorf("JSON body: %d %s", rec.Code, rec.Body.String())
	}
	var empty bytes.Buffer
	mw := multipart.NewWriter(&empty)
	_ = mw.WriteField("other", "x")
	_ = mw.Close()
	req := httptest.NewRequest("POST", campaign, &empty)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+prof)
	rr := httptest.NewRecorder()
	env.srv.Handler().ServeHTTP(rr, req)
	if body := decode[ErrorBody](t, rr); rr.Code != 400 || body.Error.Code != "missing_file" {
		t.Errorf("no file field: %d %s", rr.Code, rr.Body.String())
	}
	if env.counts() != start {
		t.Error("a refused file wrote something")
	}
}

// TestImportUploadLimit: uploads are exempt from the 1 MiB JSON limit but
// have their own; an outsider is answered 404 before the body is read.
func TestImportUploadLimit(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	c := env.newCampaign(w.TeamA1.ID, models.KindSearchAd, "큰 파일")
	var big strings.Builder
	big.WriteString("일별,캠페인,노출수,클릭수\n")
	for big.Len() < 2<<20 {
		big.WriteString("2025.10.08.," + strings.Repeat("긴캠페인이름", 60) + ",10,1\n")
	}
	rec := env.upload("/api/v1/campaigns/"+itoa(c.ID)+"/imports", "big.csv", []byte(big.String()), env.token(w.Student))
	expectStatus(t, rec, http.StatusOK)
	if res := decode[models.ImportResult](t, rec); res.Days != 1 || res.RowsRead < 1500 {
		t.Errorf("a 2 MiB file: %+v", res)
	}
	huge := bytes.Repeat([]byte("a"), MaxUploadBytes+1)
	expectStatus(t, env.upload("/api/v1/campaigns/"+itoa(c.ID)+"/imports", "big.csv", huge, env.token(w.Student)), http.StatusRequestEntityTooLarge)
	expectStatus(t, env.upload("/api/v1/campaigns/"+itoa(c.ID)+"/imports", "big.csv", huge, env.token(w.OtherStudent)), http.StatusNotFound)
	expectStatus(t, env.upload("/api/v1/campaigns/"+itoa(c.ID)+"/imports", "a.csv", []byte("x"), env.token(w.City)), http.StatusForbidden)
	// The JSON routes keep their 1 MiB.
	expectStatus(t, env.do("POST", "/api/v1/campaigns/"+itoa(c.ID)+"/metrics", strings.Repeat(" ", 2<<20)+"{}", env.token(w.Student)), http.StatusRequestEntityTooLarge)
}

// TestImportEditRules: an import updates like a manual edit. A student
// cannot change an approved entry (the whole file is refused, the line and
// date named); a professor can; a student's change of a submitted entry
// puts it back to draft.
func TestImportEditRules(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	student, prof := env.token(w.Student), env.token(w.Prof)
	c := env.newCampaign(w.TeamA1.ID, models.KindSearchAd, "파워링크 규칙")
	url := "/api/v1/campaigns/" + itoa(c.ID) + "/imports?dry_run=false"
	first := "일별,노출수,클릭수,총비용\n2025.10.01.,100,5,1000\n2025.10.02.,200,6,2000\n2025.10.03.,300,7,3000\n"
	expectStatus(t, env.upload(url, "first.csv", []byte(first), student), http.StatusOK)

	page := decode[models.Page[models.MetricEntry]](t, env.do("GET", "/api/v1/campaigns/"+itoa(c.ID)+"/metrics", nil, student))
	byDate := map[string]models.MetricEntry{}
	for _, m := range page.Items {
		byDate[m.Date.String()] = m
	}
	ctx := context.Background()
	profActor := models.Actor{UserID: w.Prof.ID, Role: models.RoleProfessor}
	for _, day := range []string{"2025-10-01", "2025-10-02"} {
		if _, err := env.store.TransitionMetric(ctx, models.Actor{UserID: w.Student.ID, Role: models.RoleStudent}, byDate[day].ID, models.ActionSubmit, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.store.TransitionMetric(ctx, profActor, byDate["2025-10-01"].ID, models.ActionApprove, "", nil); err != nil {
		t.Fatal(err)
	}

	changed := "일별,노출수,클릭수,총비용\n2025.10.01.,100,5,1100\n2025.10.02.,200,6,2200\n2025.10.03.,300,7,3000\n"
	start := env.counts()
	rec := env.upload(url, "changed.csv", []byte(changed), student)
	res := decode[models.ImportResult](t, rec)
	if rec.Code != 422 || len(res.Errors) != 1 || res.Errors[0].Line != 2 || res.Errors[0].Column != "일별" ||
		!strings.Contains(res.Errors[0].Message, "approved") {
		t.Fatalf("a student changing an approved entry: %d %s", rec.Code, rec.Body.String())
	}
	if env.counts() != start {
		t.Fatal("the refused import wrote")
	}
	got, _ := env.store.GetMetric(ctx, modelstest.System, byDate["2025-10-02"].ID)
	if got.Status != models.StatusSubmitted || got.SpendKRW != 2000 {
		t.Errorf("the submitted entry was touched by the refused import: %+v", got)
	}

	rec = env.upload(url, "changed.csv", []byte(changed), prof)
	expectStatus(t, rec, http.StatusOK)
	if res := decode[models.ImportResult](t, rec); res.Updated != 2 || res.Unchanged != 1 || res.Created != 0 {
		t.Errorf("the professor's import: %+v", res)
	}
	approved, _ := env.store.GetMetric(ctx, modelstest.System, byDate["2025-10-01"].ID)
	submitted, _ := env.store.GetMetric(ctx, modelstest.System, byDate["2025-10-02"].ID)
	if approved.Status != models.StatusApproved || approved.SpendKRW != 1100 || approved.Source != "import:changed.csv" ||
		submitted.Status != models.StatusSubmitted || submitted.SpendKRW != 2200 {
		t.Errorf("after the professor's import: %+v / %+v", approved, submitted)
	}

	// A student's change of a submitted entry returns it to draft.
	again := strings.Replace(changed, "2200", "2300", 1)
	expectStatus(t, env.upload(url, "again.csv", []byte(again), student), http.StatusOK)
	submitted, _ = env.store.GetMetric(ctx, modelstest.System, byDate["2025-10-02"].ID)
	if submitted.Status != models.StatusDraft || submitted.SpendKRW != 2300 {
		t.Errorf("a student's import of a submitted entry: %+v", submitted)
	}

	// Validation as for manual entries: clicks beyond impressions, a day to come.
	bad := "일별,노출수,클릭수\n2025.10.04.,10,11\n2999.01.01.,1,1\n"
	rec = env.upload(url, "bad.csv", []byte(bad), student)
	res = decode[models.ImportResult](t, rec)
	if rec.Code != 422 || len(res.Errors) != 2 || res.Errors[0].Column != "클릭수" || res.Errors[1].Column != "일별" ||
		!strings.Contains(res.Errors[1].Message, "future") {
		t.Errorf("invalid rows: %d %s", rec.Code, rec.Body.String())
	}
}

// TestImportSalesAndLive imports the Smart Store export and the templates.
func TestImportSalesAndLive(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	other := env.token(w.OtherStudent) // student of team A2
	ctx := context.Background()

	for _, file := range []string{"smartstore_sales.xlsx", "smartstore_sales_cp949.csv"} {
		rec := env.upload("/api/v1/teams/"+itoa(w.TeamA2.ID)+"/sales/imports?dry_run=false", file, importFixture(t, file), other)
		expectStatus(t, rec, http.StatusOK)
		res := decode[models.ImportResult](t, rec)
		wantCreated := 14
		if file != "smartstore_sales.xlsx" {
			wantCreated = 0 // the same days again, from the CSV: unchanged
		}
		if res.Days != 14 || res.Created != wantCreated || res.Created+res.Unchanged != 14 || len(res.Errors) != 0 {
			t.Errorf("%s: %+v", file, res)
		}
	}
	page, err := env.store.ListSales(ctx, modelstest.System, w.TeamA2.ID, models.SalesFilter{ListOptions: models.ListOptions{Limit: 100}})
	if err != nil || len(page.Items) != 14 {
		t.Fatalf("%d records, %v", len(page.Items), err)
	}
	var total int64
	for _, r := range page.Items {
		total += r.SalesKRW
		if r.Channel != models.ChannelOnline || r.PeriodStart != r.PeriodEnd || r.Status != models.StatusDraft || r.Source != "import:smartstore_sales.xlsx" || r.Orders == nil {
			t.Errorf("record %+v", r)
		}
	}
	if total != 9651300-232500 { // 판매금액(총) less 환불금액 over the 14 days
		t.Errorf("net sales %d", total)
	}

	// Team A1 already has a September record for all channels: each day
	// overlaps it, so the file is refused, every day named.
	rec := env.upload("/api/v1/teams/"+itoa(w.TeamA1.ID)+"/sales/imports?dry_run=false", "s.xlsx", importFixture(t, "smartstore_sales.xlsx"), env.token(w.Student))
	res := decode[models.ImportResult](t, rec)
	if rec.Code != 422 || len(res.Errors) != 14 || res.Errors[0].Line != 2 || res.Errors[0].Column != "날짜" || !strings.Contains(res.Errors[0].Message, "already covers") {
		t.Errorf("overlapping sales: %d %.400s", rec.Code, rec.Body.String())
	}

	rec = env.upload("/api/v1/teams/"+itoa(w.TeamB1.ID)+"/sales/imports?dry_run=false", "sales_filled.csv", importFixture(t, "sales_filled.csv"), other)
	expectStatus(t, rec, http.StatusOK)
	if res := decode[models.ImportResult](t, rec); res.Created != 4 || res.Format != "sales_template_csv" {
		t.Errorf("sales template: %+v", res)
	}

	live := env.upload("/api/v1/campaigns/"+itoa(w.LiveA1.ID)+"/imports?dry_run=false", "live_filled.csv", importFixture(t, "live_filled.csv"), env.token(w.Student))
	expectStatus(t, live, http.StatusOK)
	if res := decode[models.ImportResult](t, live); res.Created != 3 || res.RowsRead != 4 {
		t.Errorf("live template: %+v", res)
	}
	kpis := decode[models.CampaignKPIs](t, env.do("GET", "/api/v1/campaigns/"+itoa(w.LiveA1.ID)+"/kpis", nil, env.token(w.Student)))
	if kpis.Total.Viewers != 1840+2315+1502+640 || kpis.Total.RevenueKRW != 1520000+2064000+1133000+356000 ||
		kpis.Total.LiveConversionPct == nil || !closeTo(*kpis.Total.LiveConversionPct, float64(38+51+29+9)/float64(1840+2315+1502+640)*100) {
		t.Errorf("live KPIs: %+v", kpis.Total)
	}
}

// TestImportAnswersMatchTheDocument checks preview, refusal and file
// errors against the OpenAPI document.
func TestImportAnswersMatchTheDocument(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	doc := servedOpenAPI(t, env)
	op := doc.Paths.Value("/api/v1/campaigns/{id}/imports").Post
	url := "/api/v1/campaigns/" + itoa(w.CampaignA1.ID) + "/imports"
	for _, tc := range []struct {
		query, file string
		status      int
	}{{"", "searchad.tsv", 200}, {"?dry_run=false", "searchad_bad_cell.csv", 422}, {"", "no_header.csv", 422}, {"", "binary.csv", 415}} {
		rec := env.upload(url+tc.query, tc.file, importFixture(t, tc.file), env.token(w.Student))
		if rec.Code != tc.status {
			t.Errorf("%s: %d, want %d", tc.file, rec.Code, tc.status)
			continue
		}
		var body any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		schema := op.Responses.Status(tc.status).Value.Content.Get("application/json").Schema.Value
		if err := schema.VisitJSON(body, openapi3.MultiErrors()); err != nil {
			t.Errorf("%s: the %d answer does not fit the document: %v", tc.file, tc.status, err)
		}
	}
}

func TestTemplatesDownload(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	for name, tpl := range imports.Templates {
		rec := env.do("GET", "/api/v1/imports/templates/"+name, nil, env.token(w.Merchant))
		expectStatus(t, rec, http.StatusOK)
		if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
		if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="`+name+`"`) {
			t.Errorf("%s: Content-Disposition %q", name, cd)
		}
		if !bytes.Equal(rec.Body.Bytes(), tpl.Content) || !bytes.HasPrefix(rec.Body.Bytes(), []byte("\ufeff")) {
			t.Errorf("%s: %q", name, rec.Body.String())
		}
	}
}
