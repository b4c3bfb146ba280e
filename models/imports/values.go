package imports

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/nalgae/nalgae/models/civil"
)

// maxMagnitude bounds every number read from a file, far above any real
// figure (models refuse more than 10¹² anyway) and far below where int64
// or float64 lose whole numbers.
const maxMagnitude = 1e15

var (
	errNotNumber = errors.New("is not a number")
	errNotWhole  = errors.New("must be a whole number")
	errTooLarge  = errors.New("is too large")
	errNotDate   = errors.New("is not a date (write 2025.10.08., 2025-10-08 or 20251008)")
)

// plainNumber is a decimal number once separators, units and spaces are gone;
// hex floats, NaN and Inf, which strconv also accepts, are not numbers here.
var plainNumber = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$`)

// isNone tells the cells that say "nothing": empty, or a dash of any width.
// Naver writes "-" where a day had no conversions or a ratio has no base.
func isNone(s string) bool {
	switch s {
	case "", "-", "－", "–", "—", "−":
		return true
	}
	return false
}

// cleanNumber drops what people and tools put around a number: spaces
// (also no-break ones), thousands separators, a won sign or unit word.
func cleanNumber(s string) string {
	switch bare, commas := bareASCII(s); {
	case bare && commas == 0:
		return s // nothing to drop: the common cell, without allocating
	case bare:
		return strings.ReplaceAll(s, ",", "") // "1,234": only separators
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == ',' || r == '\u00a0' || unicode.IsSpace(r):
			return -1
		case r == '\u2212': // the minus sign of typeset text
			return '-'
		}
		return r
	}, s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "₩"), "￦")
	for _, unit := range []string{"원", "건", "명", "회", "분", "개"} {
		if t, ok := strings.CutSuffix(s, unit); ok {
			return t
		}
	}
	return s
}

// bareASCII reports whether s is printable ASCII without spaces, and how
// many commas it has: then cleanNumber has only the commas to remove (its
// units and signs are not ASCII).
func bareASCII(s string) (bare bool, commas int) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ',':
			commas++
		case c <= ' ' || c >= 0x7f:
			return false, 0
		}
	}
	return true, commas
}

// isPlainNumber is plainNumber.MatchString written out, because it runs on
// every cell of files of a hundred thousand rows.
func isPlainNumber(t string) bool {
	isDigit := func(c byte) bool { return '0' <= c && c <= '9' }
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	whole, frac := 0, 0
	for i < len(t) && isDigit(t[i]) {
		i++
		whole++
	}
	if i < len(t) && t[i] == '.' {
		i++
		for i < len(t) && isDigit(t[i]) {
			i++
			frac++
		}
	}
	if whole == 0 && frac == 0 {
		return false
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		exp := 0
		for i < len(t) && isDigit(t[i]) && exp <= 3 {
			i++
			exp++
		}
		if exp < 1 || exp > 3 {
			return false
		}
	}
	return i == len(t)
}

// parseWhole reads a count or an amount. none is true for an empty or dash
// cell. Money is rounded to the nearest won (a VAT computation can leave
// fractions in a spreadsheet); counts must be whole.
func parseWhole(s string, money bool) (v int64, none bool, err error) {
	t := cleanNumber(s)
	if isNone(t) {
		return 0, true, nil
	}
	if len(t) > 40 || !isPlainNumber(t) {
		return 0, false, errNotNumber
	}
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		if n > maxMagnitude || n < -maxMagnitude {
			return 0, false, errTooLarge
		}
		return n, false, nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false, errNotNumber
	}
	if math.Abs(f) > maxMagnitude {
		return 0, false, errTooLarge
	}
	if money {
		f = math.Round(f)
	} else if f != math.Trunc(f) {
		return 0, false, errNotWhole
	}
	return int64(f), false, nil
}

// parseRatio reads a ratio column: 629.12, 629.12% or "1,234.5". decimals
// is how many digits the file wrote after the point, which tells how much
// of a difference rounding alone explains.
func parseRatio(s string) (v float64, decimals int, none bool, err error) {
	t := strings.TrimSuffix(cleanNumber(s), "%")
	if isNone(t) || strings.HasPrefix(t, "#") { // #DIV/0! and friends
		return 0, 0, true, nil
	}
	if len(t) > 40 || !isPlainNumber(t) {
		return 0, 0, false, errNotNumber
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > maxMagnitude {
		return 0, 0, false, errNotNumber
	}
	if _, frac, ok := strings.Cut(t, "."); ok {
		decimals = len(strings.TrimRightFunc(frac, func(r rune) bool { return r < '0' || r > '9' }))
	}
	return f, decimals, false, nil
}

// The day forms of SPEC §5: 2025.10.08. (with or without the last dot and
// with spaces, as Korean Excel shows dates), 2025-10-08, 2025/10/08,
// 2025년 10월 8일, and 20251008; a weekday in brackets may follow.
var (
	separatedDate = regexp.MustCompile(`^(\d{4})\s*[./\-년]\s*(\d{1,2})\s*[./\-월]\s*(\d{1,2})\s*[.일]?\s*(\([^()]{1,12}\))?$`)
	compactDate   = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
)

// parseDate reads a day. serial allows a spreadsheet's day number (XLSX
// date cells arrive as their serial, 45938 for 2025-10-08); date1904 is the
// workbook's epoch flag.
func parseDate(s string, serial, date1904 bool) (civil.Date, error) {
	t := strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	if len(t) > 40 {
		return civil.Date{}, errNotDate
	}
	var y, m, d string
	if p := separatedDate.FindStringSubmatch(t); p != nil {
		y, m, d = p[1], p[2], p[3]
	} else if p := compactDate.FindStringSubmatch(t); p != nil {
		y, m, d = p[1], p[2], p[3]
	} else if serial {
		return serialDate(t, date1904)
	} else {
		return civil.Date{}, errNotDate
	}
	if len(m) == 1 {
		m = "0" + m
	}
	if len(d) == 1 {
		d = "0" + d
	}
	day, err := civil.Parse(y + "-" + m + "-" + d)
	if err != nil {
		return civil.Date{}, errNotDate
	}
	return day, nil
}

// serialDate turns a spreadsheet day number into a day, for the years
// 2000–2099 only: a count like 1200 in a date column is a mistake, not 1903.
func serialDate(t string, date1904 bool) (civil.Date, error) {
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || !plainNumber.MatchString(t) {
		return civil.Date{}, errNotDate
	}
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC) // Excel's, after its 1900 leap-day bug
	if date1904 {
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if f < 0 || f > 80000 {
		return civil.Date{}, errNotDate
	}
	day := civil.Of(epoch.AddDate(0, 0, int(math.Floor(f))))
	if day.Year < 2000 || day.Year > 2099 {
		return civil.Date{}, errNotDate
	}
	return day, nil
}

// unitSuffix is a bracketed unit at the end of a header: (원), (%),
// (VAT포함,원), (분)… Headers are matched without it, so that "총비용" and
// "총비용(VAT포함,원)" are the same column.
var unitSuffix = regexp.MustCompile(`[(\[](vat(포함|미포함|제외|별도)?,?)?(원|%|krw|분|명|건|회|개)?[)\]]$`)

// normHeader is a header's name for matching: lower case, without spaces,
// byte-order mark, quotes or unit suffixes.
func normHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\ufeff' || r == '"' || r == '\'' || r == '*' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	for range 3 {
		t := unitSuffix.ReplaceAllString(s, "")
		if t == s || t == "" {
			break
		}
		s = t
	}
	return s
}

// totalsLabels mark the report's totals row, which is not a day.
var totalsLabels = map[string]bool{"결과": true, "합계": true, "총계": true, "총합계": true, "전체": true, "total": true, "합": true}

func isTotalsLabel(s string) bool {
	if s != "" && '0' <= s[0] && s[0] <= '9' {
		return false // a day or a number, as nearly every row has: no label starts so
	}
	return totalsLabels[normHeader(s)]
}
