package models

import "strings"

// sumInt is SUM(expr) as a whole number on both databases: PostgreSQL widens
// SUM(bigint) to numeric, which would reach Go as text; the cast keeps every
// sum an int64, and SQLite's integer sums are unchanged by it.
func sumInt(expr string) string { return "CAST(SUM(" + expr + ") AS BIGINT)" }

// likeEscaper makes %, _ and \ in a search term literal. PostgreSQL's LIKE
// escapes with \ by default and SQLite's with nothing, so queries name the
// escape character (ESCAPE '\') and both match the same rows.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// containsPattern is a LIKE pattern matching any text that contains term.
func containsPattern(term string) string { return "%" + likeEscaper.Replace(term) + "%" }
