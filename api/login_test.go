package api

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// Login abuse (issue 7, point 1): the per-account and per-address throttle,
// one answer for every kind of failed login, the password policy on every
// path that sets a password, and the token version that ends sessions.

// attempt logs in with a password from an address and returns the answer.
func attempt(t testing.TB, env *testEnv, email, password, addr string) *httptest.ResponseRecorder {
	t.Helper()
	sc := apiScenario{Method: "POST", URL: "/api/v1/auth/login", RemoteAddr: addr,
		Body: map[string]string{"email": email, "password": password}}
	return sc.request(t, env.srv.Handler())
}

// expectThrottled checks a 429 in SPEC §4's shape with a Retry-After of
// minimum..maximum seconds.
func expectThrottled(t testing.TB, rec *httptest.ResponseRecorder, minimum, maximum int) {
	t.Helper()
	expectStatus(t, rec, http.StatusTooManyRequests)
	checkErrorShape(t, rec, "rate_limited")
	if strings.Contains(rec.Body.String(), "access_token") || refreshCookieOf(rec) != nil {
		t.Errorf("a refused attempt got tokens: %s", rec.Body.String())
	}
	after, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if err != nil || after < minimum || after > maximum {
		t.Errorf("Retry-After %q, want %d..%d seconds", rec.Header().Get("Retry-After"), minimum, maximum)
	}
}

// elapsed is how many whole seconds have passed since start, rounded up: the
// oldest failure counted is at most that old, so a Retry-After is at least
// the window's rest minus that.
func elapsed(start time.Time) int {
	return int((time.Since(start) + time.Second - 1) / time.Second)
}

// ageFailures moves every recorded login failure back in time.
func ageFailures(t testing.TB, env *testEnv, by time.Duration) {
	t.Helper()
	var rows []models.LoginFailure
	if err := env.db.Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := env.db.Model(&models.LoginFailure{}).Where("id = ?", r.ID).Update("at", r.At.Add(-by)).Error; err != nil {
			t.Fatal(err)
		}
	}
}

const (
	here      = "192.0.2.10:1234"
	elsewhere = "198.51.100.20:1234"
)

func testLoginAccountThrottle(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	for _, account := range []struct{ name, email string }{
		{"existing account", w.Student.Email},
		// The same bar for an email of no account: the throttle does not
		// tell which accounts exist.
		{"unknown email", "nobody@test.nalgae"},
	} {
		t.Run(account.name, func(t *testing.T) {
			env := newEnvOn(t, clone(t))
			start := time.Now()
			for i := 1; i <= 10; i++ {
				// From two addresses: the bar is the account's.
				addr := []string{here, elsewhere}[i%2]
				expectStatus(t, attempt(t, env, account.email, "wrong-guess-"+strconv.Itoa(i), addr), http.StatusUnauthorized)
			}
			expectThrottled(t, attempt(t, env, account.email, "wrong-guess-11", here), 900-elapsed(start), 900)
			// Refused before the password is checked: the right one gets in
			// no more than a guess, and leaves neither a login nor a failure.
			expectThrottled(t, attempt(t, env, " "+strings.ToUpper(account.email), modelstest.Password, "203.0.113.5:1"), 900-elapsed(start), 900)
			if n := len(auditOf(t, env, "login")); n != 0 {
				t.Errorf("%d logins while throttled", n)
			}
			if n := len(auditOf(t, env, "login_failed")); n != 10 {
				t.Errorf("%d login_failed events, want the 10 checked attempts", n)
			}
			// Another account from the same address is not affected.
			expectStatus(t, attempt(t, env, w.Merchant.Email, modelstest.Password, here), http.StatusOK)

			// The window slides: 14 minutes later the oldest failure has a
			// minute to go; 16 minutes later the account may try again.
			ageFailures(t, env, 14*time.Minute)
			expectThrottled(t, attempt(t, env, account.email, "wrong-guess-12", here), 60-elapsed(start), 60)
			ageFailures(t, env, 2*time.Minute)
			want := http.StatusOK
			if account.email != w.Student.Email {
				want = http.StatusUnauthorized
			}
			expectStatus(t, attempt(t, env, account.email, modelstest.Password, here), want)
		})
	}

	t.Run("a successful login forgives the account's failures", func(t *testing.T) {
		env := newEnvOn(t, clone(t))
		for i := 1; i <= 9; i++ {
			expectStatus(t, attempt(t, env, w.Student.Email, "wrong-guess", here), http.StatusUnauthorized)
		}
		expectStatus(t, attempt(t, env, w.Student.Email, modelstest.Password, here), http.StatusOK)
		start := time.Now()
		for i := 1; i <= 10; i++ {
			expectStatus(t, attempt(t, env, w.Student.Email, "wrong-guess", here), http.StatusUnauthorized)
		}
		expectThrottled(t, attempt(t, env, w.Student.Email, "wrong-guess", here), 900-elapsed(start), 900)
	})
}

func testLoginAddressThrottle(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	env := newEnvOn(t, clone(t))
	env.store.SetLoginLimits(models.LoginLimits{IPFailures: 4})
	start := time.Now()
	// Four accounts, one guess each: under every account's bar, but the
	// address has used up its four.
	for _, u := range []*models.User{w.Student, w.OtherStudent, w.Prof, w.City} {
		expectStatus(t, attempt(t, env, u.Email, "spray-password-1", here), http.StatusUnauthorized)
	}
	// The attacker's own account cannot reset the address's count.
	expectThrottled(t, attempt(t, env, w.Merchant.Email, modelstest.Password, here), 900-elapsed(start), 900)
	expectThrottled(t, attempt(t, env, w.Admin.Email, "spray-password-1", here), 900-elapsed(start), 900)
	// Another address is not affected, and its success forgives the
	// account, not the first address.
	expectStatus(t, attempt(t, env, w.Student.Email, modelstest.Password, elsewhere), http.StatusOK)
	expectThrottled(t, attempt(t, env, w.OtherStudent.Email, modelstest.Password, here), 900-elapsed(start), 900)
	ageFailures(t, env, 16*time.Minute)
	expectStatus(t, attempt(t, env, w.OtherStudent.Email, modelstest.Password, here), http.StatusOK)
}

// Whether the email has an account, the password is wrong or the account
// is disabled, a failed login answers the same, after the same bcrypt work.
func testLoginSameAnswer(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	env := newEnvOn(t, clone(t))
	env.store.SetLoginLimits(models.LoginLimits{IPFailures: 1000})
	expectStatus(t, env.do("PATCH", "/api/v1/users/"+itoa(w.OtherStudent.ID), map[string]any{"disabled": true}, bearerFor(t, w.Admin)), http.StatusOK)
	kinds := []struct{ name, email, password string }{
		{"wrong password", w.Student.Email, "not-the-password"},
		{"unknown email", "nobody-here@test.nalgae", "not-the-password"},
		{"disabled account, right password", w.OtherStudent.Email, modelstest.Password},
	}
	const rounds = 5 // under the account bar of 10
	took := make([][]time.Duration, len(kinds))
	var first *httptest.ResponseRecorder
	for range rounds {
		for i, k := range kinds { // interleaved, so that load hits each alike
			start := time.Now()
			rec := attempt(t, env, k.email, k.password, here)
			took[i] = append(took[i], time.Since(start))
			if first == nil {
				first = rec
				expectStatus(t, rec, http.StatusUnauthorized)
				checkErrorShape(t, rec, "unauthorized")
				continue
			}
			if rec.Code != first.Code || rec.Body.String() != first.Body.String() || rec.Header().Get("Set-Cookie") != first.Header().Get("Set-Cookie") {
				t.Errorf("%s answers %d %s (Set-Cookie %q); %s answered %d %s (Set-Cookie %q)", k.name, rec.Code, rec.Body.String(),
					rec.Header().Get("Set-Cookie"), kinds[0].name, first.Code, first.Body.String(), first.Header().Get("Set-Cookie"))
			}
		}
	}
	median := func(d []time.Duration) time.Duration {
		s := slices.Clone(d)
		slices.Sort(s)
		return s[len(s)/2]
	}
	base := median(took[0])
	for i, k := range kinds[1:] {
		m := median(took[i+1])
		t.Logf("median %s: %v (%s: %v)", k.name, m, kinds[0].name, base)
		// bcrypt at cost 11 takes tens of milliseconds at least; skipping it
		// takes one. A factor of two leaves room for a loaded machine.
		if m < base/2 || m > base*2 {
			t.Errorf("a failed login with %s takes %v, with a %s %v: the timing tells them apart", k.name, m, kinds[0].name, base)
		}
	}
}

// TestLoginSecurity runs the throttle and same-answer scenarios on clones of
// one world.
func TestLoginSecurity(t *testing.T) {
	t.Parallel()
	w, clone := modelstest.WorldTemplate(t)
	for _, sub := range []struct {
		name string
		fn   func(*testing.T, *modelstest.World, func(testing.TB) *gorm.DB)
	}{
		{"AccountThrottle", testLoginAccountThrottle},
		{"AddressThrottle", testLoginAddressThrottle},
		{"SameAnswer", testLoginSameAnswer},
		{"PasswordPolicy", testPasswordPolicy},
		{"SessionsEnd", testSessionsEnd},
	} {
		t.Run(sub.name, func(t *testing.T) {
			t.Parallel()
			sub.fn(t, w, clone)
		})
	}
}

// Every path that sets a password applies one policy, as a field error.
func testPasswordPolicy(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	admin := bearerFor(t, w.Admin)
	newEmail := "new-person@test.nalgae"
	paths := []struct {
		name  string
		email string // the account whose password is set
		set   func(env *testEnv, pw string) *httptest.ResponseRecorder
	}{
		{"POST /users", newEmail, func(env *testEnv, pw string) *httptest.ResponseRecorder {
			return env.do("POST", "/api/v1/users", map[string]any{"email": newEmail, "name": "새사람", "role": "student", "password": pw}, admin)
		}},
		{"PATCH /users/{id}", w.Student.Email, func(env *testEnv, pw string) *httptest.ResponseRecorder {
			return env.do("PATCH", "/api/v1/users/"+itoa(w.Student.ID), map[string]any{"password": pw}, admin)
		}},
		{"POST /users/{id}/password", w.Student.Email, func(env *testEnv, pw string) *httptest.ResponseRecorder {
			return env.do("POST", "/api/v1/users/"+itoa(w.Student.ID)+"/password", map[string]any{"password": pw}, admin)
		}},
		{"PATCH /me", w.Student.Email, func(env *testEnv, pw string) *httptest.ResponseRecorder {
			return env.do("PATCH", "/api/v1/me", map[string]any{"password": pw, "current_password": modelstest.Password}, bearerFor(t, w.Student))
		}},
	}
	long := strings.Repeat("long passphrase ", 6) + "!!!!" // 100 bytes: past bcrypt's 72
	for _, path := range paths {
		t.Run(path.name, func(t *testing.T) {
			env := newEnvOn(t, clone(t))
			local, _, _ := strings.Cut(path.email, "@")
			for _, bad := range []struct{ name, pw, reason string }{
				{"9 characters", "short-pw1", "at least 10 characters"},
				{"129 bytes", strings.Repeat("가", 43), "at most 128 bytes"},
				{"the email", strings.ToUpper(path.email), "must not contain the email"},
				{"the email's name part", "my-" + local + "-2026", "must not contain the email"},
			} {
				rec := path.set(env, bad.pw)
				expectStatus(t, rec, http.StatusUnprocessableEntity)
				checkErrorShape(t, rec, "validation_failed", "password")
				if !strings.Contains(rec.Body.String(), bad.reason) {
					t.Errorf("%s: body %s, want the reason %q", bad.name, rec.Body.String(), bad.reason)
				}
			}
			// Nothing was changed by the refused attempts.
			if path.email == w.Student.Email {
				expectStatus(t, attempt(t, env, w.Student.Email, modelstest.Password, here), http.StatusOK)
			}
			rec := path.set(env, long)
			if rec.Code >= 300 {
				t.Fatalf("a 100-byte password refused: %d %s", rec.Code, rec.Body.String())
			}
			// Every byte counts, also past bcrypt's 72.
			expectStatus(t, attempt(t, env, path.email, long, here), http.StatusOK)
			expectStatus(t, attempt(t, env, path.email, long[:72], here), http.StatusUnauthorized)
			expectStatus(t, attempt(t, env, path.email, long[:99]+"?", here), http.StatusUnauthorized)
		})
	}
}

// Disabling a user, changing their role or setting their password ends
// their sessions at once: access tokens refused, refresh tokens revoked.
func testSessionsEnd(t *testing.T, w *modelstest.World, clone func(testing.TB) *gorm.DB) {
	admin := bearerFor(t, w.Admin)
	const newPassword = "a-brand-new-passphrase"
	triggers := []struct {
		name     string
		do       func(env *testEnv) *httptest.ResponseRecorder
		ends     bool
		password string // the password a new login uses; "" when none can log in
	}{
		{"admin changes only the name (control)", func(env *testEnv) *httptest.ResponseRecorder {
			return env.do("PATCH", "/api/v1/users/"+itoa(w.Student.ID), map[string]any{"name": "박학생2"}, admin)
		}, false, modelstest.Password},
		{"admin disables the user", func(env *testEnv) *httptest.ResponseRecorder {
			return env.do("PATCH", "/api/v1/users/"+itoa(w.Student.ID), map[string]any{"disabled": true}, admin)
		}, true, ""},
		{"admin changes the role", func(env *testEnv) *httptest.ResponseRecorder {
			return env.do("PATCH", "/api/v1/users/"+itoa(w.Student.ID), map[string]any{"role": "merchant"}, admin)
		}, true, modelstest.Password},
		{"admin sets a password with PATCH", func(env *testEnv) *httptest.ResponseRecorder {
			return env.do("PATCH", "/api/v1/users/"+itoa(w.Student.ID), map[string]any{"password": newPassword}, admin)
		}, true, newPassword},
		{"admin resets the password", func(env *testEnv) *httptest.ResponseRecorder {
			return env.do("POST", "/api/v1/users/"+itoa(w.Student.ID)+"/password", map[string]any{"password": newPassword}, admin)
		}, true, newPassword},
		{"the user changes their own password", func(env *testEnv) *httptest.ResponseRecorder {
			return env.do("PATCH", "/api/v1/me", map[string]any{"password": newPassword, "current_password": modelstest.Password}, bearerFor(t, w.Student))
		}, true, newPassword},
	}
	for _, tr := range triggers {
		t.Run(tr.name, func(t *testing.T) {
			env := newEnvOn(t, clone(t))
			student := login(t, env, w.Student)
			merchant := login(t, env, w.Merchant)
			if rec := tr.do(env); rec.Code >= 300 {
				t.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
			want := http.StatusOK
			if tr.ends {
				want = http.StatusUnauthorized
			}
			expectStatus(t, env.do("GET", "/api/v1/me", nil, student.AccessToken), want)
			expectStatus(t, env.do("GET", "/api/v1/teams/"+itoa(w.TeamA1.ID), nil, student.AccessToken), map[bool]int{true: 401, false: 200}[tr.ends])
			refreshWith(student.RefreshToken).expect(want).test(t, env)
			// Another user's session is untouched.
			expectStatus(t, env.do("GET", "/api/v1/me", nil, merchant.AccessToken), http.StatusOK)
			refreshWith(merchant.RefreshToken).expect(http.StatusOK).test(t, env)
			if tr.password != "" {
				if tr.password != modelstest.Password {
					expectStatus(t, attempt(t, env, w.Student.Email, modelstest.Password, here), http.StatusUnauthorized)
				}
				again := attempt(t, env, w.Student.Email, tr.password, here)
				expectStatus(t, again, http.StatusOK)
				expectStatus(t, env.do("GET", "/api/v1/me", nil, decode[tokenAnswer](t, again).AccessToken), http.StatusOK)
			}
		})
	}
	t.Run("the reset is audited and only admins may reset", func(t *testing.T) {
		env := newEnvOn(t, clone(t))
		for _, sc := range []apiScenario{
			{Name: "professor", Token: bearerFor(t, w.Prof), ExpectedStatus: 403, ExpectedCode: "forbidden"},
			{Name: "the user themselves", Token: bearerFor(t, w.Student), ExpectedStatus: 403, ExpectedCode: "forbidden"},
			{Name: "no password", Token: admin, Body: map[string]any{}, ExpectedStatus: 422, ExpectedFields: []string{"password"}},
			{Name: "unknown user", Token: admin, URL: "/api/v1/users/999999/password", ExpectedStatus: 404, ExpectedCode: "not_found"},
		} {
			sc.Method = "POST"
			if sc.URL == "" {
				sc.URL = "/api/v1/users/" + itoa(w.Student.ID) + "/password"
			}
			if sc.Body == nil {
				sc.Body = map[string]any{"password": "yet-another-passphrase"}
			}
			t.Run(sc.Name, func(t *testing.T) { sc.test(t, env) })
		}
		if n := len(auditOf(t, env, "password_reset")); n != 0 {
			t.Fatalf("%d password_reset events after refused attempts", n)
		}
		expectStatus(t, env.do("POST", "/api/v1/users/"+itoa(w.Student.ID)+"/password", map[string]any{"password": newPassword}, admin), http.StatusNoContent)
		evs := auditOf(t, env, "password_reset")
		if len(evs) != 1 || deref(evs[0].EntityID) != w.Student.ID || deref(evs[0].UserID) != w.Admin.ID {
			t.Errorf("password_reset events %+v, want one by the admin about the student", evs)
		}
		if len(evs) == 1 && strings.Contains(string(evs[0].After)+string(evs[0].Before), newPassword) {
			t.Errorf("the audit event holds the password")
		}
	})
}
