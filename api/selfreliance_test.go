package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// SPEC §13 over HTTP: validation with fields, one assessment per stage,
// assessments and follow-ups still open on a closed program while the rest
// is not, staff answering on the merchant's behalf, notes kept from city
// staff and out of the audit log.
func TestSelfRelianceOverHTTP(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	v1 := func(format string, args ...any) string { return BasePath + fmt.Sprintf(format, args...) }
	merchant, student, prof, city, admin := env.token(w.Merchant), env.token(w.Student), env.token(w.Prof), env.token(w.City), env.token(w.Admin)

	// Validation: every missing or bad field is named.
	bad := allAnswers(3)
	delete(bad, "data_plan")
	bad["ads_budget"] = 6
	bad["mood"] = 4
	rec := env.do("POST", v1("/merchants/%d/assessments", w.MerchantA1.ID), map[string]any{
		"program_id": w.ProgramA.ID, "stage": "midline", "answers": bad}, student)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	checkErrorShape(t, rec, "", "answers.data_plan", "answers.ads_budget", "answers.mood", "stage", "assessed_on")
	rec = env.do("POST", v1("/merchants/%d/assessments", w.MerchantA1.ID), map[string]any{"stage": "endline"}, student)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	checkErrorShape(t, rec, "", "program_id")

	// The world holds the baseline: a second one is 409, PATCH changes it.
	rec = env.do("POST", v1("/merchants/%d/assessments", w.MerchantA1.ID), map[string]any{
		"program_id": w.ProgramA.ID, "stage": "baseline", "assessed_on": "2025-09-02", "answers": allAnswers(2)}, merchant)
	expectStatus(t, rec, http.StatusConflict)
	checkErrorShape(t, rec, "duplicate")
	rec = env.do("PATCH", v1("/assessments/%d", w.Assessment.ID), map[string]any{"answers": allAnswers(5)}, merchant)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	checkErrorShape(t, rec, "", "version")

	// Close program A: campaigns refuse writes, assessments and follow-ups do not.
	rec = env.do("PATCH", v1("/programs/%d", w.ProgramA.ID), map[string]any{"status": "closed", "version": w.ProgramA.Version}, admin)
	expectStatus(t, rec, http.StatusOK)
	rec = env.do("PATCH", v1("/campaigns/%d", w.CampaignA1.ID), map[string]any{"budget_krw": 1, "version": w.CampaignA1.Version}, student)
	expectStatus(t, rec, http.StatusConflict)
	checkErrorShape(t, rec, "program_closed")
	rec = env.do("POST", v1("/merchants/%d/assessments", w.MerchantA1.ID), map[string]any{
		"program_id": w.ProgramA.ID, "stage": "endline", "assessed_on": "2025-12-20", "answers": allAnswers(4)}, merchant)
	expectStatus(t, rec, http.StatusCreated)
	end := decode[models.Assessment](t, rec)
	if end.EnteredBy != w.Merchant.ID || end.Scores.Overall != 75 || end.Scores.Store != 75 {
		t.Errorf("endline entered_by %d scores %+v, want the merchant and 75 everywhere", end.EnteredBy, end.Scores)
	}

	// Closing scheduled the missing follow-ups (the world already held
	// TeamA1's 3-month one): A1 and A2 at 3 and 6 months.
	rec = env.do("GET", v1("/programs/%d/followups?limit=100", w.ProgramA.ID), nil, prof)
	expectStatus(t, rec, http.StatusOK)
	page := decode[models.Page[models.FollowUp]](t, rec)
	if len(page.Items) != 4 {
		t.Fatalf("%d follow-ups after closing, want 4", len(page.Items))
	}
	rec = env.do("GET", v1("/programs/%d/followups?state=later", w.ProgramA.ID), nil, prof)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	checkErrorShape(t, rec, "", "state")

	// Answering: fields named; the professor answers on the merchant's behalf.
	rec = env.do("POST", v1("/followups/%d/answer", w.FollowUp.ID), map[string]any{
		"channels_active": []string{"tv"}, "monthly_sales_krw": -1}, prof)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	checkErrorShape(t, rec, "", "answered_on", "still_selling_online", "channels_active[0]", "monthly_sales_krw")
	const note = "사장님과 통화: 스마트스토어 주 3회 관리"
	rec = env.do("POST", v1("/followups/%d/answer", w.FollowUp.ID), map[string]any{
		"answered_on": "2026-03-20", "still_selling_online": true, "channels_active": []string{"smart_store", "smart_store"}, "note": note}, prof)
	expectStatus(t, rec, http.StatusOK)
	f := decode[models.FollowUp](t, rec)
	if !f.AnsweredByStaff || f.AnsweredBy == nil || *f.AnsweredBy != w.Prof.ID || len(f.ChannelsActive) != 1 || f.Note == nil {
		t.Errorf("staff answer %+v", f)
	}
	// The merchant changes it later (version required), as their own.
	rec = env.do("POST", v1("/followups/%d/answer", w.FollowUp.ID), map[string]any{"answered_on": "2026-03-21", "still_selling_online": true}, merchant)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	checkErrorShape(t, rec, "", "version")
	rec = env.do("POST", v1("/followups/%d/answer", w.FollowUp.ID), map[string]any{
		"answered_on": "2026-03-21", "still_selling_online": true, "note": note, "version": f.Version}, merchant)
	expectStatus(t, rec, http.StatusOK)
	if f = decode[models.FollowUp](t, rec); f.AnsweredByStaff {
		t.Errorf("the merchant's own answer is marked as staff's")
	}

	// City staff read the follow-ups without the merchant's words; the audit
	// log keeps that an answer was given, not the text.
	rec = env.do("GET", v1("/programs/%d/followups?state=answered", w.ProgramA.ID), nil, city)
	expectStatus(t, rec, http.StatusOK)
	if strings.Contains(rec.Body.String(), "note") || strings.Contains(rec.Body.String(), "통화") {
		t.Errorf("city staff read a note: %s", rec.Body.String())
	}
	rec = env.do("GET", v1("/audit?entity=followup&limit=500"), nil, admin)
	expectStatus(t, rec, http.StatusOK)
	if body := rec.Body.String(); !strings.Contains(body, `"answer"`) || strings.Contains(body, "통화") {
		t.Errorf("audit of follow-ups: want answer events without the note: %s", clip(body))
	}
}

// The hand-over workbook opens, its guide first, Korean intact, with a sheet
// per part of the work.
func TestHandoverWorkbook(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	rec := env.do("GET", fmt.Sprintf("%s/teams/%d/handover.xlsx", BasePath, w.TeamA1.ID), nil, env.token(w.Merchant))
	expectStatus(t, rec, http.StatusOK)
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "handover") {
		t.Errorf("Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("excelize cannot open the workbook: %v", err)
	}
	defer f.Close()
	wantSheets := []string{"안내", "캠페인", "일별 기록", "매출", "성과 지표", "목표", "디지털 자립도", "사후 점검"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(wantSheets, ",") {
		t.Errorf("sheets %v, want %v", got, wantSheets)
	}
	title, _ := f.GetCellValue("안내", "A1")
	if title != w.MerchantA1.Name+" 인수인계 자료" {
		t.Errorf("guide title %q", title)
	}
	rows, _ := f.GetRows("안내")
	guide := fmt.Sprint(rows)
	for _, s := range wantSheets[1:] {
		if !strings.Contains(guide, s) {
			t.Errorf("the guide does not say what %s holds", s)
		}
	}
	camp, _ := f.GetCellValue("캠페인", "B2")
	if camp != w.CampaignA1.Name {
		t.Errorf("first campaign %q, want %q", camp, w.CampaignA1.Name)
	}
	target, _ := f.GetCellValue("목표", "A2")
	if target != "광고수익률(%)" {
		t.Errorf("target sheet row 2 %q, want the ROAS target", target)
	}
	item, _ := f.GetCellValue("디지털 자립도", "A2")
	score, _ := f.GetCellValue("디지털 자립도", "B2")
	if item != models.AssessmentItems[0].Ko || score != fmt.Sprint(w.Assessment.Answers[models.AssessmentItems[0].Key]) {
		t.Errorf("assessment sheet row 2: %q %q", item, score)
	}
	due, _ := f.GetCellValue("사후 점검", "B2")
	if due != w.FollowUp.DueOn.String() {
		t.Errorf("follow-up due %q, want %s", due, w.FollowUp.DueOn)
	}
}

// followup_months is set with PATCH /programs/{id} (422 naming the bad
// entry), and closing schedules exactly those rounds, due ends_on + n months.
func TestFollowupMonthsOverHTTP(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	admin := env.token(w.Admin)
	url := fmt.Sprintf("%s/programs/%d", BasePath, w.ProgramB.ID)
	rec := env.do("PATCH", url, map[string]any{"followup_months": []any{0, 3, 3}, "version": w.ProgramB.Version}, admin)
	expectStatus(t, rec, http.StatusUnprocessableEntity)
	checkErrorShape(t, rec, "", "followup_months[0]", "followup_months[2]")
	rec = env.do("PATCH", url, map[string]any{"followup_months": []int{1, 12}, "version": w.ProgramB.Version}, admin)
	expectStatus(t, rec, http.StatusOK)
	p := decode[models.Program](t, rec)
	if fmt.Sprint(p.FollowupMonths) != "[1 12]" {
		t.Fatalf("followup_months %v", p.FollowupMonths)
	}
	rec = env.do("PATCH", url, map[string]any{"status": "closed", "version": p.Version}, admin)
	expectStatus(t, rec, http.StatusOK)
	rec = env.do("GET", url+"/followups", nil, env.token(w.OtherProf))
	expectStatus(t, rec, http.StatusOK)
	page := decode[models.Page[models.FollowUp]](t, rec)
	got := map[int]string{}
	for _, f := range page.Items {
		if f.TeamID != w.TeamB1.ID {
			t.Errorf("follow-up of team %d in program B", f.TeamID)
		}
		got[f.Months] = f.DueOn.String()
	}
	want := map[int]string{1: models.AddMonths(p.EndsOn, 1).String(), 12: models.AddMonths(p.EndsOn, 12).String()}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("follow-ups %v, want %v", got, want)
	}
}
