package reportfile

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/nalgae/nalgae/models"
)

// The grade sheet as CSV for the university's learning system (SPEC §12.4):
// UTF-8 with a BOM, CRLF, headed by the JSON field names (the learning
// system maps columns by name, so they are not translated), numbers
// unrounded as in the JSON answer, null an empty cell, `missing` joined
// with ";", text neutralised like the report's.

// gradeColumns are the CSV's columns in order, with each row's value.
var gradeColumns = []struct {
	name  string
	value func(r *models.GradeRow) string
}{
	{"student_id", func(r *models.GradeRow) string { return strconv.FormatUint(r.StudentID, 10) }},
	{"name", func(r *models.GradeRow) string { return Neutralize(r.Name) }},
	{"email", func(r *models.GradeRow) string { return Neutralize(r.Email) }},
	{"team_id", func(r *models.GradeRow) string { return strconv.FormatUint(r.TeamID, 10) }},
	{"team_name", func(r *models.GradeRow) string { return Neutralize(r.TeamName) }},
	{"rubric_pct", func(r *models.GradeRow) string { return number(r.RubricPct) }},
	{"merchant_pct", func(r *models.GradeRow) string { return number(r.MerchantPct) }},
	{"targets_pct", func(r *models.GradeRow) string { return number(r.TargetsPct) }},
	{"team_grade", func(r *models.GradeRow) string { return number(r.TeamGrade) }},
	{"af", func(r *models.GradeRow) string { return number(r.AF) }},
	{"af_raw", func(r *models.GradeRow) string { return number(r.AFRaw) }},
	{"final_grade", func(r *models.GradeRow) string { return number(r.FinalGrade) }},
	{"missing", func(r *models.GradeRow) string { return strings.Join(r.Missing, ";") }},
}

// number writes a float exactly as JSON would (shortest round-trip form).
func number(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// WriteGradesCSV writes the grade sheet as CSV (see above).
func WriteGradesCSV(w io.Writer, sheet *models.GradeSheet) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, len(gradeColumns))
	for i, c := range gradeColumns {
		header[i] = c.name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range sheet.Items {
		row := make([]string, len(gradeColumns))
		for j, c := range gradeColumns {
			row[j] = c.value(&sheet.Items[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
