package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Supply chain (issue 7, point 7). The vulnerability databases cannot be
// reached from CI (`make audit` is for machines with internet access), so
// these tests pin what they can offline: every dependency with a known
// advisory is at or past its fix, and CI installs only what the lock files
// and go.sum say.

// goFixed is the first version past the known advisories of each Go module
// (checked November 2026); raise a line when an advisory appears, never
// lower one.
var goFixed = []struct{ module, fixed, why string }{
	{"github.com/golang-jwt/jwt/v5", "v5.2.2", "GO-2025-3553 / CVE-2025-30204: memory use while parsing a header"},
	{"golang.org/x/crypto", "v0.56.0", "GO-2026-6354, GO-2026-6355 and the ssh advisories before them"},
	{"golang.org/x/net", "v0.55.0", "GO-2026-5026 / CVE-2026-39821, GO-2026-4918 (HTTP/2), the html tokenizer advisories"},
	{"golang.org/x/text", "v0.3.8", "CVE-2022-32149: language tag parsing"},
	{"github.com/xuri/excelize/v2", "v2.11.0", "GHSA-fx5j-qcqg-grpf, GHSA-q5j5-6p94-4gwc: panics on crafted workbooks"},
	{"github.com/jackc/pgx/v5", "v5.9.2", "CVE-2026-33816 (memory safety), GHSA-j88v-2chj-qfwx, CVE-2026-41889"},
	{"github.com/labstack/echo/v4", "v4.15.4", "CVE-2026-55677: an encoded %2F bypasses route protection"},
	{"github.com/getkin/kin-openapi", "v0.131.0", "CVE-2025-30153: memory exhaustion through multipart bodies"},
	{"github.com/prometheus/client_golang", "v1.11.1", "CVE-2022-21698: unbounded label cardinality"},
	{"google.golang.org/protobuf", "v1.33.0", "CVE-2024-24786: protojson loops forever"},
}

// npmFixed is the same for the web app's packages, wherever in the lock file
// a copy of them is.
var npmFixed = []struct{ pkg, fixed, why string }{
	{"vue-i18n", "11.1.10", "GHSA-p2ph-7g93-hw3m (prototype pollution), GHSA-x8qp-wqqm-57ph (DOM XSS), CVE-2024-52809"},
	{"@intlify/shared", "11.1.10", "GHSA-hjwq-mjwj-4x6c: prototype pollution"},
	{"@intlify/core-base", "11.1.10", "fixed with vue-i18n"},
	{"vue", "3.5.0", "no advisory against Vue 3; the version this app was written for"},
	{"chart.js", "4.0.0", "CVE-2020-7746: prototype pollution in options (2.9.4)"},
	{"vite", "8.0.16", "GHSA-fx2h-pf6j-xcff and the earlier server.fs.deny bypasses (dev server)"},
	{"vitest", "4.0.0", "CVE-2025-24964: code execution through the API server (dev)"},
	{"happy-dom", "20.0.0", "CVE-2025-61927, CVE-2024-51757: code execution from page scripts (tests)"},
	{"playwright-core", "1.55.1", "CVE-2025-59288: browser downloads without certificate checks (tests)"},
	{"postcss", "8.4.31", "CVE-2023-44270: line return parsing"},
	{"nanoid", "3.3.8", "CVE-2024-55565: predictable ids for non-integer sizes"},
	{"brace-expansion", "2.0.2", "CVE-2025-5889: ReDoS"},
	{"cross-spawn", "7.0.5", "CVE-2024-21538: ReDoS"},
	{"esbuild", "0.25.0", "GHSA-67mh-4wv8-2f99: the dev server answers any site"},
	{"rollup", "4.22.4", "CVE-2024-47068: DOM clobbering in bundles"},
}

func TestGoModulesPastKnownAdvisories(t *testing.T) {
	out, err := exec.Command("go", "mod", "edit", "-json", "../../go.mod").Output()
	if err != nil {
		t.Fatalf("go mod edit -json: %v", err)
	}
	var mod struct {
		Require []struct{ Path, Version string }
	}
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatal(err)
	}
	required := map[string]string{}
	for _, r := range mod.Require {
		required[r.Path] = r.Version
	}
	for _, m := range goFixed {
		v, ok := required[m.module]
		if !ok {
			continue // no longer a dependency: nothing to fix
		}
		if compareVersions(v, m.fixed) < 0 {
			t.Errorf("%s %s is older than %s, which fixes %s", m.module, v, m.fixed, m.why)
		}
	}
	// The test itself: a module named above that is required must be seen.
	if required["github.com/golang-jwt/jwt/v5"] == "" {
		t.Error("go.mod does not require github.com/golang-jwt/jwt/v5; is the go.mod parsed?")
	}
}

func TestNPMPackagesPastKnownAdvisories(t *testing.T) {
	raw, err := os.ReadFile("../../frontend/package-lock.json")
	if err != nil {
		t.Fatalf("frontend/package-lock.json: %v (npm ci needs it)", err)
	}
	var lock struct {
		LockfileVersion int `json:"lockfileVersion"`
		Packages        map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(raw, &lock); err != nil {
		t.Fatalf("package-lock.json: %v", err)
	}
	if lock.LockfileVersion < 2 {
		t.Errorf("lockfileVersion %d: npm ci needs a lock file of npm 7 or newer", lock.LockfileVersion)
	}
	seen := map[string]int{}
	for path, p := range lock.Packages {
		i := strings.LastIndex(path, "node_modules/")
		if i < 0 {
			continue // the app itself
		}
		name := path[i+len("node_modules/"):]
		for _, f := range npmFixed {
			if f.pkg != name {
				continue
			}
			seen[name]++
			if compareVersions(p.Version, f.fixed) < 0 {
				t.Errorf("%s %s (%s) is older than %s, which fixes %s", name, p.Version, path, f.fixed, f.why)
			}
		}
	}
	for _, must := range []string{"vue", "vue-i18n", "vite", "chart.js"} {
		if seen[must] == 0 {
			t.Errorf("the lock file has no %s: is it the app's lock file?", must)
		}
	}
}

// CI installs exactly what go.sum and package-lock.json name: go mod verify
// against go.sum, -mod=readonly so that no build edits go.mod, npm ci (never
// npm install, which may move the lock file).
func TestInstallsOnlyFromLockFiles(t *testing.T) {
	files := map[string]string{}
	for _, f := range []string{"../../.ci/run", "../../Makefile", "../../Dockerfile"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files[f] = withoutComments(string(raw))
	}
	ci, mk, docker := files["../../.ci/run"], files["../../Makefile"], files["../../Dockerfile"]
	for _, want := range []struct{ file, text, what string }{
		{ci, "go mod download", ".ci/run downloads the modules of go.sum"},
		{ci, "go mod verify", ".ci/run verifies the module cache against go.sum"},
		{ci, "-mod=readonly", ".ci/run builds with GOFLAGS=-mod=readonly"},
		{mk, "npm ci", "the Makefile installs the web app's packages with npm ci"},
		{docker, "npm ci", "the Dockerfile installs the web app's packages with npm ci"},
		{docker, "go mod verify", "the Dockerfile verifies the modules against go.sum"},
		{mk, "govulncheck", "make audit runs govulncheck"},
		{mk, "npm audit --omit=dev", "make audit runs npm audit on the runtime packages"},
	} {
		if !strings.Contains(want.file, want.text) {
			t.Errorf("missing %q: %s", want.text, want.what)
		}
	}
	unlocked := regexp.MustCompile(`\bnpm (install|i|update|up)\b|\bgo get\b|\bgo mod tidy\b|-mod=mod\b`)
	for name, text := range files {
		if m := unlocked.FindString(text); m != "" {
			t.Errorf("%s runs %q, which may install something the lock files do not name", name, m)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "make audit") {
		t.Error("README does not mention make audit")
	}
}

// withoutComments drops shell and Makefile comment lines.
func withoutComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// compareVersions orders two semantic versions (with or without a leading
// v); a pre-release sorts before its release.
func compareVersions(a, b string) int {
	pa, pb := parseVersion(a), parseVersion(b)
	for i := range 3 {
		if pa.nums[i] != pb.nums[i] {
			if pa.nums[i] < pb.nums[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case pa.pre == pb.pre:
		return 0
	case pa.pre == "":
		return 1
	case pb.pre == "":
		return -1
	}
	return strings.Compare(pa.pre, pb.pre)
}

type semver struct {
	nums [3]int
	pre  string
}

func parseVersion(s string) semver {
	s = strings.TrimPrefix(s, "v")
	s, _, _ = strings.Cut(s, "+")
	core, pre, _ := strings.Cut(s, "-")
	var v semver
	v.pre = pre
	for i, part := range strings.SplitN(core, ".", 3) {
		n, err := strconv.Atoi(part)
		if err != nil {
			panic(fmt.Sprintf("not a version: %q", s))
		}
		v.nums[i] = n
	}
	return v
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"v5.3.1", "v5.2.2", 1}, {"v5.2.2", "v5.2.2", 0}, {"v5.2.1", "v5.2.2", -1},
		{"v0.59.0", "v0.56.0", 1}, {"v0.9.0", "v0.10.0", -1}, {"11.4.2", "11.1.10", 1},
		{"8.0.16-beta.1", "8.0.16", -1}, {"v1.2.3+incompatible", "v1.2.3", 0},
	} {
		if got := compareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
