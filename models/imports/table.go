package imports

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"
	unicodeenc "golang.org/x/text/encoding/unicode"
)

// row is one row of a table with the physical line it starts on (from 1; for
// XLSX the sheet's row number).
type row struct {
	line  int
	cells []string
}

// rowReader gives a table's rows in order; io.EOF ends them.
type rowReader interface {
	next() (row, error)
}

// table is an opened file: how it was read and its rows.
type table struct {
	container string // csv, tsv or xlsx
	encoding  string // utf-8, utf-8-bom, cp949, utf-16le, utf-16be
	sheet     string // the XLSX sheet read
	serial    bool   // dates may be spreadsheet day numbers
	date1904  bool
	rows      rowReader
	warnings  []Issue
	// head are the first rows, read ahead to find the header; rows goes on
	// after them.
	head []row
	// close releases what the table holds open (an XLSX workbook).
	close func()
}

func (t *table) release() {
	if t.close != nil {
		t.close()
	}
}

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
	zipMagic   = []byte("PK\x03\x04")
	oleMagic   = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// magic names binary formats people upload by mistake, so that the answer
// can say what the file really is.
var magic = []struct {
	prefix []byte
	what   string
}{
	{[]byte("\x89PNG\r\n\x1a\n"), "a PNG image"},
	{[]byte{0xFF, 0xD8, 0xFF}, "a JPEG image"},
	{[]byte("GIF8"), "a GIF image"},
	{[]byte("%PDF"), "a PDF document"},
	{[]byte{0x1F, 0x8B}, "a gzip archive"},
	{[]byte("Rar!"), "a RAR archive"},
	{[]byte("7z\xBC\xAF\x27\x1C"), "a 7-Zip archive"},
	{[]byte("RIFF"), "a media file"},
}

// openTable decides what the file is from its bytes (the name's extension
// only breaks ties and words the errors) and opens it.
func openTable(name string, data []byte) (*table, error) {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/")))
	if len(data) == 0 {
		return nil, unsupported("The file is empty.")
	}
	if len(data) > MaxFileBytes {
		return nil, &FileError{Kind: TooLarge, Message: fmt.Sprintf("The file is larger than %d MiB.", MaxFileBytes>>20)}
	}
	switch {
	case bytes.HasPrefix(data, zipMagic):
		t, err := openXLSX(data)
		if err == nil && ext != ".xlsx" && ext != ".xlsm" {
			t.warnings = append(t.warnings, Issue{Message: fmt.Sprintf("The file is named %q but is an XLSX workbook; it was read as one.", baseName(name))})
		}
		return t, err
	case bytes.HasPrefix(data, oleMagic):
		return nil, unsupported("This is an Excel 97–2003 workbook (.xls) or a password-protected one. Save it as .xlsx without a password, or as CSV, and upload that.")
	}
	if ext == ".xlsx" || ext == ".xlsm" {
		return nil, unsupported(fmt.Sprintf("The file is named %q but is not an XLSX workbook (not a zip archive). Upload the file as the ad system or store downloaded it.", baseName(name)))
	}
	for _, m := range magic {
		if bytes.HasPrefix(data, m.prefix) {
			return nil, unsupported(fmt.Sprintf("The file %q is %s, not a CSV, TSV or XLSX report.", baseName(name), m.what))
		}
	}
	text, encoding, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	if looksLikeHTML(text) {
		return nil, unsupported("The file is a web page (HTML or XML) saved under a spreadsheet name. Open it in Excel and save it as .xlsx or CSV, then upload that.")
	}
	return openDelimited(text, encoding, ext)
}

func unsupported(msg string) error { return &FileError{Kind: Unsupported, Message: msg} }

// baseName is the last element of an uploaded file's name, whichever
// slashes the client's system uses.
func baseName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	return path.Base(name)
}

// decodeText applies SPEC §5's detection: a byte-order mark, else valid
// UTF-8, else CP949 (EUC-KR's superset, what Korean Windows writes).
func decodeText(data []byte) (string, string, error) {
	var (
		text     string
		encoding string
	)
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		if !utf8.Valid(data[3:]) {
			return "", "", unsupported("The file starts with a UTF-8 byte-order mark but is not UTF-8 text.")
		}
		text, encoding = string(data[3:]), "utf-8-bom"
	case bytes.HasPrefix(data, utf16LEBOM) || bytes.HasPrefix(data, utf16BEBOM):
		endian, encoding0 := unicodeenc.LittleEndian, "utf-16le"
		if bytes.HasPrefix(data, utf16BEBOM) {
			endian, encoding0 = unicodeenc.BigEndian, "utf-16be"
		}
		out, err := unicodeenc.UTF16(endian, unicodeenc.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", "", unsupported("The file starts with a UTF-16 byte-order mark but is not UTF-16 text.")
		}
		text, encoding = string(out), encoding0
	case utf8.Valid(data):
		text, encoding = string(data), "utf-8"
	default:
		out, err := korean.EUCKR.NewDecoder().Bytes(data)
		if err != nil {
			return "", "", unsupported("The file is neither UTF-8 nor CP949 (EUC-KR) text.")
		}
		text, encoding = string(out), "cp949"
	}
	if isBinary(text) {
		return "", "", unsupported("The file holds binary data, not the text of a CSV or TSV report, and it is not an XLSX workbook.")
	}
	return text, encoding, nil
}

// isBinary tells text that is really binary data: a NUL, or more than one
// in a hundred characters being control characters or undecodable bytes.
func isBinary(text string) bool {
	bad, n := 0, 0
	for _, r := range text {
		n++
		switch {
		case r == 0:
			return true
		case r == '\t' || r == '\n' || r == '\r' || r == '\f':
		case r == utf8.RuneError || (r < 0x20) || (r >= 0x7f && r < 0xa0):
			bad++
		}
	}
	return bad > 0 && bad*100 > n
}

func looksLikeHTML(text string) bool {
	head := strings.ToLower(strings.TrimLeftFunc(text[:min(len(text), 512)], unicode.IsSpace))
	for _, p := range []string{"<!doctype html", "<html", "<table", "<meta", "<?xml"} {
		if strings.HasPrefix(head, p) {
			return true
		}
	}
	return false
}

// openDelimited reads CSV or TSV text. The delimiter is the one that finds
// a header: tab first when the text has tabs, since quoted numbers ("1,200")
// put commas in TSV files too.
func openDelimited(text, encoding, ext string) (*table, error) {
	delims := []rune{','}
	if strings.Contains(text[:min(len(text), 64<<10)], "\t") || ext == ".tsv" {
		delims = []rune{'\t', ','}
	}
	var (
		readable *table // read without error, though no header was found
		firstErr error
	)
	for _, d := range delims {
		if err := checkWidth(text, d); err != nil {
			return nil, err
		}
		t := &table{container: "csv", encoding: encoding, rows: newCSVRows(text, d)}
		if d == '\t' {
			t.container = "tsv"
		}
		err := t.readHead()
		switch {
		case err == nil && findHeader(t.head) != nil:
			return t, nil
		case err == nil && readable == nil:
			readable = t
		case err != nil && firstErr == nil:
			firstErr = err
		}
	}
	if readable != nil {
		return readable, nil // the parser says that no header was found
	}
	return nil, firstErr
}

// checkWidth refuses lines with more delimiters than any report has
// columns before the CSV reader allocates a field for each.
func checkWidth(text string, delim rune) error {
	line, count := 1, 0
	for _, r := range text {
		switch r {
		case '\n':
			line, count = line+1, 0
		case delim:
			if count++; count >= MaxColumns {
				return &FileError{Kind: Unrecognised, Message: fmt.Sprintf("Line %d has more than %d columns; this is not a report.", line, MaxColumns)}
			}
		}
	}
	return nil
}

// readHead reads up to headRows non-empty rows ahead.
func (t *table) readHead() error {
	for len(t.head) < headRows {
		r, err := t.rows.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if !blank(r.cells) {
			t.head = append(t.head, r)
		}
	}
	return nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvRows reads RFC 4180 records, forgiving stray quotes as spreadsheet
// programs write them.
type csvRows struct{ r *csv.Reader }

func newCSVRows(text string, delim rune) *csvRows {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	return &csvRows{r: r}
}

func (c *csvRows) next() (row, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return row{}, io.EOF
	}
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return row{}, &FileError{Kind: Unrecognised, Message: fmt.Sprintf("Line %d cannot be read as CSV: %v.", perr.StartLine, perr.Err)}
	}
	if err != nil {
		return row{}, &FileError{Kind: Unrecognised, Message: "The file cannot be read as CSV: " + err.Error()}
	}
	line, _ := c.r.FieldPos(0)
	if err := checkRow(line, rec); err != nil {
		return row{}, err
	}
	return row{line: line, cells: rec}, nil
}

// checkRow applies the limits every row of every container obeys.
func checkRow(line int, cells []string) error {
	if line > MaxLines {
		return &FileError{Kind: TooLarge, Message: fmt.Sprintf("The file has more than %d lines; split it (by month, for example) and import each part.", MaxLines)}
	}
	if len(cells) > MaxColumns {
		return &FileError{Kind: Unrecognised, Message: fmt.Sprintf("Line %d has more than %d columns; this is not a report.", line, MaxColumns)}
	}
	for _, c := range cells {
		if len(c) > MaxCellBytes {
			return &FileError{Kind: Unrecognised, Message: fmt.Sprintf("Line %d has a cell longer than %d bytes; this is not a report.", line, MaxCellBytes)}
		}
	}
	return nil
}

// openXLSX opens a workbook and picks its first sheet with a header we
// know. The zip's declared sizes are checked first (Go's zip reader refuses
// entries that unpack to more than they declare), so that a zip bomb is
// refused before anything is unpacked.
func openXLSX(data []byte) (t *table, err error) {
	defer func() {
		// excelize is a large parser of untrusted input: whatever it may
		// panic on is an unreadable workbook, not a crashed server.
		if r := recover(); r != nil {
			t, err = nil, unsupported("The workbook cannot be read (it may be damaged).")
		}
	}()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, unsupported("The file starts like a zip archive but is not a readable one, so not an XLSX workbook.")
	}
	var unpacked uint64
	for _, f := range zr.File {
		unpacked += f.UncompressedSize64
		if unpacked > MaxUnpackedBytes || f.UncompressedSize64 > MaxUnpackedBytes {
			return nil, &FileError{Kind: TooLarge, Message: fmt.Sprintf("The workbook unpacks to more than %d MiB; split it and import each part.", MaxUnpackedBytes>>20)}
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    MaxUnpackedBytes,
		UnzipXMLSizeLimit: MaxUnpackedBytes, // never spill worksheets to temporary files
		RawCellValue:      true,
	})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookPassword) {
			return nil, unsupported("The workbook is password-protected; save it without a password and upload it again.")
		}
		return nil, unsupported("The file is a zip archive but not a readable XLSX workbook.")
	}
	keep := false
	defer func() {
		if !keep {
			_ = f.Close()
		}
	}()
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, unsupported("The workbook has no sheets.")
	}
	var first *table
	for i, sheet := range sheets {
		if i == maxSheets {
			break
		}
		rows, err := f.Rows(sheet)
		if err != nil {
			continue
		}
		t := &table{container: "xlsx", encoding: "utf-8", sheet: sheet, serial: true, date1904: date1904, rows: &xlsxRows{rows: rows}}
		t.close = func() { _ = rows.Close(); _ = f.Close() }
		if err := t.readHead(); err != nil {
			_ = rows.Close()
			return nil, err
		}
		if findHeader(t.head) != nil {
			if i > 0 {
				t.warnings = append(t.warnings, Issue{Message: fmt.Sprintf("Read the sheet %q, the first with a header Nalgae knows.", sheet)})
			}
			if first != nil {
				first.rows.(*xlsxRows).rows.Close()
			}
			keep = true
			return t, nil
		}
		if first == nil {
			first = t
		} else {
			_ = rows.Close()
		}
	}
	if first == nil {
		return nil, unsupported("No sheet of the workbook can be read.")
	}
	keep = true
	return first, nil
}

// xlsxRows streams a sheet's rows with their raw values (numbers as
// stored, not as formatted): formats differ by locale, the stored numbers
// do not. The iterator also gives the empty rows between, so that the count
// of rows is the row number.
type xlsxRows struct {
	rows *excelize.Rows
	n    int
}

func (x *xlsxRows) next() (r row, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = unsupported("The workbook cannot be read (it may be damaged).")
		}
	}()
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return row{}, &FileError{Kind: Unrecognised, Message: "The sheet cannot be read: " + err.Error()}
		}
		return row{}, io.EOF
	}
	x.n++
	if x.n > MaxLines {
		return row{}, checkRow(x.n, nil)
	}
	cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return row{}, &FileError{Kind: Unrecognised, Message: fmt.Sprintf("Row %d of the sheet cannot be read.", x.n)}
	}
	if err := checkRow(x.n, cells); err != nil {
		return row{}, err
	}
	return row{line: x.n, cells: cells}, nil
}
