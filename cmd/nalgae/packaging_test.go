package main

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// No Docker engine runs in CI, so these tests read the packaging files: the
// compose file must parse and offer both deployments, and the Dockerfile
// must build the binary and the web app with the Makefile's own commands.

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Profiles    []string          `yaml:"profiles"`
	Build       any               `yaml:"build"`
	Image       string            `yaml:"image"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

func TestComposeProfiles(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("docker-compose.yml does not parse: %v", err)
	}
	byProfile := map[string][]string{}
	for name, s := range f.Services {
		if len(s.Profiles) == 0 {
			t.Errorf("service %s has no profile: it would start with every profile", name)
		}
		for _, p := range s.Profiles {
			byProfile[p] = append(byProfile[p], name)
		}
	}
	for p := range byProfile {
		slices.Sort(byProfile[p])
	}
	if got := byProfile["sqlite"]; !slices.Equal(got, []string{"nalgae-sqlite"}) {
		t.Errorf("profile sqlite runs %v, want the app alone", got)
	}
	if got := byProfile["postgres"]; !slices.Equal(got, []string{"nalgae-postgres", "postgres"}) {
		t.Errorf("profile postgres runs %v, want the app and postgres", got)
	}
	if len(byProfile) != 2 {
		t.Errorf("profiles %v, want sqlite and postgres", byProfile)
	}

	for _, name := range []string{"nalgae-sqlite", "nalgae-postgres"} {
		app := f.Services[name]
		if app.Build != "." || app.Image == "" {
			t.Errorf("%s: build %v image %q, want the Dockerfile of this directory", name, app.Build, app.Image)
		}
		if !strings.Contains(app.Environment["JWT_SECRET"], "JWT_SECRET:?") {
			t.Errorf("%s: JWT_SECRET %q, want it required from the environment", name, app.Environment["JWT_SECRET"])
		}
		if app.Environment["NALGAE_METRICS_TOKEN"] != "${NALGAE_METRICS_TOKEN:-}" {
			t.Errorf("%s: NALGAE_METRICS_TOKEN %q, want it passed from the environment (unset: /metrics open)", name, app.Environment["NALGAE_METRICS_TOKEN"])
		}
		if app.Environment["NALGAE_ENV"] != "production" || len(app.Ports) == 0 {
			t.Errorf("%s: environment %v ports %v", name, app.Environment, app.Ports)
		}
	}
	sqlite := f.Services["nalgae-sqlite"]
	if !strings.HasPrefix(sqlite.Environment["DATABASE_URL"], "/data/") || !slices.ContainsFunc(sqlite.Volumes, func(v string) bool {
		name, target, _ := strings.Cut(v, ":")
		_, declared := f.Volumes[name]
		return declared && target == "/data"
	}) {
		t.Errorf("sqlite: DATABASE_URL %q volumes %v, want the file in a named volume at /data", sqlite.Environment["DATABASE_URL"], sqlite.Volumes)
	}

	app, pg := f.Services["nalgae-postgres"], f.Services["postgres"]
	if !strings.HasPrefix(app.Environment["DATABASE_URL"], "postgres://") || !strings.Contains(app.Environment["DATABASE_URL"], "@postgres:5432/") {
		t.Errorf("postgres app: DATABASE_URL %q, want the postgres service", app.Environment["DATABASE_URL"])
	}
	if app.DependsOn["postgres"].Condition != "service_healthy" {
		t.Errorf("postgres app: depends_on %v, want postgres healthy first", app.DependsOn)
	}
	if pg.Healthcheck == nil || !strings.Contains(strings.Join(pg.Healthcheck.Test, " "), "pg_isready") {
		t.Errorf("postgres: healthcheck %v, want pg_isready", pg.Healthcheck)
	}
	if !strings.HasPrefix(pg.Image, "postgres:") || len(pg.Volumes) == 0 {
		t.Errorf("postgres: image %q volumes %v", pg.Image, pg.Volumes)
	}
}

// dockerfile is the Dockerfile's instructions, continuation lines joined.
type instruction struct{ cmd, args string }

func readInstructions(t *testing.T, path string) []instruction {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []instruction
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if more, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(more + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(strings.TrimSpace(cur.String()), " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// makeRecipes reads the Makefile's targets: prerequisites and recipe lines.
func makeRecipes(t *testing.T) (prereqs, recipes map[string][]string) {
	t.Helper()
	raw, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	prereqs, recipes = map[string][]string{}, map[string][]string{}
	rule := regexp.MustCompile(`^([A-Za-z0-9_./-]+):([^=].*)?$`)
	target := ""
	for line := range strings.SplitSeq(string(raw), "\n") {
		switch {
		case strings.HasPrefix(line, "\t") && target != "":
			recipes[target] = append(recipes[target], strings.TrimSpace(line))
		case rule.MatchString(line):
			m := rule.FindStringSubmatch(line)
			target = m[1]
			prereqs[target] = strings.Fields(m[2])
		default:
			target = ""
		}
	}
	return prereqs, recipes
}

func TestDockerfileBuildsLikeTheMakefile(t *testing.T) {
	steps := readInstructions(t, "../../Dockerfile")
	prereqs, recipes := makeRecipes(t)

	// `make build` is the web app, then the binary; the image must do both
	// with the same commands.
	if !slices.Contains(prereqs["build"], "build-go") || !slices.Contains(prereqs["build"], "spa") {
		t.Fatalf("make build has prerequisites %v; this test expects spa and build-go", prereqs["build"])
	}
	if !slices.ContainsFunc(recipes["build-go"], func(r string) bool { return strings.Contains(r, "$(GO) build") && strings.Contains(r, "./cmd/nalgae") }) {
		t.Fatalf("make build-go runs %v, want the go build of ./cmd/nalgae", recipes["build-go"])
	}
	var stages []string
	runs := map[string][]string{} // stage → RUN commands
	var user string
	for _, s := range steps {
		switch s.cmd {
		case "FROM":
			stages = append(stages, s.args)
			user = ""
		case "RUN":
			runs[stages[len(stages)-1]] = append(runs[stages[len(stages)-1]], s.args)
		case "USER":
			user = s.args
		}
	}
	if len(stages) < 3 {
		t.Fatalf("stages %v, want Node, Go and a runtime", stages)
	}
	stageRunning := func(command string) string {
		for _, st := range stages {
			for _, r := range runs[st] {
				if strings.Contains(r, command) {
					return st
				}
			}
		}
		return ""
	}
	goStage := stageRunning("make build-go")
	if goStage == "" || !strings.HasPrefix(goStage, "golang:") {
		t.Errorf("no golang stage runs `make build-go` (stages %v)", stages)
	}
	// The web app: the npm commands of the Makefile's spa chain, in a Node stage.
	var npm []string
	for _, target := range []string{"frontend/node_modules/.installed", "frontend/dist/index.html"} {
		for _, r := range recipes[target] {
			if _, cmd, ok := strings.Cut(r, "cd frontend && "); ok {
				npm = append(npm, cmd)
			}
		}
	}
	if len(npm) != 2 {
		t.Fatalf("the Makefile's web app recipes run %v, want npm ci and npm run build", npm)
	}
	for _, cmd := range npm {
		if st := stageRunning(cmd); !strings.HasPrefix(st, "node:") {
			t.Errorf("no Node stage runs the Makefile's %q", cmd)
		}
	}
	runtime := stages[len(stages)-1]
	if strings.HasPrefix(runtime, "golang:") || strings.HasPrefix(runtime, "node:") {
		t.Errorf("the runtime image is %s, want a small one", runtime)
	}
	if user == "" || user == "root" || strings.HasPrefix(user, "0") {
		t.Errorf("the runtime runs as %q, want a user without privileges", user)
	}
}
