package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/reportfile"
)

// Exports of the program report (SPEC §6): the same report, filters and
// access as GET /programs/{id}/report, as CSV or XLSX.

const (
	contentTypeCSV  = "text/csv; charset=utf-8"
	contentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// reportExport answers the report written by write, as a file named after
// the program.
func (s *Server) reportExport(ext, contentType string, write func(*bytes.Buffer, *models.ProgramReport) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		q, err := reportQuery(c)
		if err != nil {
			return err
		}
		report, err := s.store.ProgramReport(ctx(c), actor(c), id, q, c.QueryParam("lang"))
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := write(&buf, report); err != nil {
			return err
		}
		word := " 성과 보고서"
		if report.Filters.Lang == models.LocaleEn {
			word = " report"
		}
		setDownload(c, "nalgae-report-"+strconv.FormatUint(id, 10)+ext, fileNamePart(report.ProgramName)+word+ext)
		return c.Blob(http.StatusOK, contentType, buf.Bytes())
	}
}

// fileNamePart makes a program name safe in a file name: no path
// separators, quotes or control characters.
func fileNamePart(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if r := []rune(name); len(r) > 80 {
		name = string(r[:80])
	}
	if name == "" {
		return "nalgae"
	}
	return name
}

func (s *Server) reportCSV() echo.HandlerFunc {
	return s.reportExport(".csv", contentTypeCSV, func(b *bytes.Buffer, r *models.ProgramReport) error {
		return reportfile.WriteReportCSV(b, r)
	})
}

func (s *Server) reportXLSX() echo.HandlerFunc {
	return s.reportExport(".xlsx", contentTypeXLSX, func(b *bytes.Buffer, r *models.ProgramReport) error {
		return reportfile.WriteReportXLSX(b, r)
	})
}
