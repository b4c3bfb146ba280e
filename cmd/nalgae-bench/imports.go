package main

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// importResult is the part of the import answer the bench checks.
type importResult struct {
	RowsRead int `json:"rows_read"`
	Days     int `json:"days"`
	Created  int `json:"created"`
	Errors   []struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
}

// importFigures times a student's apply of a generated SearchAd report into
// a new search-ad campaign of their team, checks via the API that the
// campaign now adds up to what the file says, and times the database
// shell's bulk load of the same file.
func importFigures(o options, b *backend, c *client, sess *session, rec *recorder) error {
	report, err := generateSearchAd(o.importRows)
	if err != nil {
		return err
	}
	csvPath, err := filepath.Abs(filepath.Join(o.dataDir, "import-searchad.csv"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(csvPath, report.csv, 0o644); err != nil {
		return err
	}
	st := sess.importer
	var camp campaignRef
	err = c.postJSON(fmt.Sprintf("/api/v1/teams/%d/campaigns", st.teamID), st.token, map[string]any{
		"kind": "search_ad", "name": fmt.Sprintf("벤치마크 가져오기 %d", time.Now().Unix()),
		"starts_on": report.from, "ends_on": report.to, "budget_krw": 0}, http.StatusCreated, &camp)
	if err != nil {
		return err
	}
	body, contentType, err := multipartFile("searchad.csv", report.csv)
	if err != nil {
		return err
	}
	path := fmt.Sprintf("/api/v1/campaigns/%d/imports?dry_run=false", camp.ID)
	began := time.Now()
	answer, err := c.do(http.MethodPost, path, st.token, contentType, body, http.StatusOK)
	took := time.Since(began)
	if err != nil {
		return err
	}
	var res importResult
	if err := decode(path, answer, &res); err != nil {
		return err
	}
	if res.RowsRead != report.rows || res.Created != report.days || len(res.Errors) > 0 {
		return fmt.Errorf("import read %d rows and created %d days with %d errors; the file has %d rows and %d days",
			res.RowsRead, res.Created, len(res.Errors), report.rows, report.days)
	}
	var kpis struct {
		Total sums `json:"total"`
	}
	if err := c.getJSON(fmt.Sprintf("/api/v1/campaigns/%d/kpis", camp.ID), sess.professor, &kpis); err != nil {
		return err
	}
	if kpis.Total != report.total {
		return fmt.Errorf("imported campaign adds up to %+v, the file to %+v", kpis.Total, report.total)
	}
	fmt.Printf("# import: %d rows, %d days, sums checked via the campaign's KPIs\n", report.rows, report.days)
	shell, err := b.timeImport(csvPath, searchAdHeader, report.rows)
	if err != nil {
		return fmt.Errorf("import baseline: %w", err)
	}
	apiRate := float64(report.rows) / took.Seconds()
	shellRate := float64(report.rows) / shell.Seconds()
	rec.figure("import_rows_per_s", apiRate, "rows/s")
	rec.figure("import_"+b.shellName+"_rows_per_s", shellRate, "rows/s")
	rec.figure("import_vs_"+b.shellName, ratio(apiRate, shellRate), "ratio")
	rec.bar("import_rows_per_s", apiRate, atLeast, 50_000)
	rec.bar("import_vs_"+b.shellName, ratio(apiRate, shellRate), atLeast, 0.5)
	return nil
}

// multipartFile is an upload with the file in the field "file" (SPEC §5).
func multipartFile(name string, data []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(data); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// checkCount checks the row count a shell printed after its bulk load.
func checkCount(what, out string, want int) error {
	var got int
	if _, err := fmt.Sscan(out, &got); err != nil {
		return fmt.Errorf("%s: count %q: %w", what, out, err)
	}
	if got != want {
		return fmt.Errorf("%s loaded %d rows, want %d", what, got, want)
	}
	return nil
}
