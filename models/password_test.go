package models

import (
	"strings"
	"testing"
)

func TestPasswordProblem(t *testing.T) {
	tests := []struct {
		name, pw, email, want string
	}{
		{"10 characters", "ten-chars!", "kim@pknu.ac.kr", ""},
		{"9 characters", "nine-char", "kim@pknu.ac.kr", "must be at least 10 characters"},
		{"10 Hangul characters (30 bytes)", "가나다라마바사아자차", "kim@pknu.ac.kr", ""},
		{"9 Hangul characters", "가나다라마바사아자", "kim@pknu.ac.kr", "must be at least 10 characters"},
		{"128 bytes", strings.Repeat("p", 128), "kim@pknu.ac.kr", ""},
		{"129 bytes", strings.Repeat("p", 129), "kim@pknu.ac.kr", "must be at most 128 bytes"},
		{"the email", "KIM@pknu.ac.kr", "kim@pknu.ac.kr", "must not contain the email address or its name part"},
		{"the email inside", "my kim@pknu.ac.kr!", "kim@pknu.ac.kr", "must not contain the email address or its name part"},
		{"the name part, another case", "Professor-Kim-2026", "kim@pknu.ac.kr", "must not contain the email address or its name part"},
		{"a name part of two letters is too short to forbid", "jo-jo-jo-jo-jo", "jo@pknu.ac.kr", ""},
		{"email not known yet", "student-password", "", ""},
		{"email with spaces and capitals", "student-password", "  Student@Test.Nalgae ", "must not contain the email address or its name part"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PasswordProblem(tt.pw, tt.email); got != tt.want {
				t.Errorf("PasswordProblem(%q, %q) = %q, want %q", tt.pw, tt.email, got, tt.want)
			}
		})
	}
}

// Past bcrypt's 72 bytes every byte still counts, and up to 72 the input is
// the password itself (hashes made before the pre-hash rule still match).
func TestBcryptInput(t *testing.T) {
	long := strings.Repeat("a", 72)
	if string(bcryptInput(long)) != long {
		t.Fatal("a 72-byte password was changed before bcrypt")
	}
	a, b := bcryptInput(long+"x"), bcryptInput(long+"y")
	if string(a) == string(b) || len(a) > 72 {
		t.Fatalf("73-byte passwords differing in the last byte give %q and %q", a, b)
	}
	hash, err := HashPassword(long + "x")
	if err != nil {
		t.Fatal(err)
	}
	if !passwordMatches(hash, long+"x") || passwordMatches(hash, long+"y") || passwordMatches(hash, long) {
		t.Error("a long password's hash matches the wrong passwords")
	}
}
