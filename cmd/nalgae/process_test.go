package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Tests in this file run the real binary, built once per test run, as
// separate processes: what a deployment does.

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binary builds cmd/nalgae into a temporary directory, once.
func binary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "nalgae-bin-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "nalgae")
		cmd := exec.Command("go", "build", "-o", built.path, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// testJWTSecret is shared by every instance, as a deployment's would be.
const testJWTSecret = "instances-share-this-secret-of-40-bytes!"

// process is a running `nalgae serve`.
type process struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	mu   sync.Mutex
	logs bytes.Buffer // stderr, JSON lines
	seen chan string  // every log message, as it comes
	// exited is closed when the process has ended; err is then its Wait error.
	exited chan struct{}
	err    error
}

// startServe runs `nalgae serve` on a free port of 127.0.0.1 against
// databaseURL. Call ready to wait until it listens.
func startServe(t *testing.T, name, databaseURL string, extraEnv ...string) *process {
	t.Helper()
	cmd := exec.Command(binary(t), "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+databaseURL, "JWT_SECRET="+testJWTSecret,
		"NALGAE_ENV=production", "NALGAE_LOG_FORMAT=json",
		"NALGAE_SECRET_KEY=WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=", "NALGAE_BLOB_URL=file://"+filepath.ToSlash(t.TempDir()))
	cmd.Env = append(cmd.Env, extraEnv...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{t: t, name: name, cmd: cmd, seen: make(chan string, 1000), exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Bytes()
			p.mu.Lock()
			p.logs.Write(line)
			p.logs.WriteByte('\n')
			p.mu.Unlock()
			var entry struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(line, &entry) == nil {
				if entry.Msg == "nalgae listening" {
					entry.Msg += " " + entry.Addr
				}
				select {
				case p.seen <- entry.Msg:
				default:
				}
			}
		}
		p.err = cmd.Wait()
		close(p.seen)
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.exited:
			case <-time.After(15 * time.Second):
				_ = p.cmd.Process.Kill()
				<-p.exited
			}
		}
		if t.Failed() {
			t.Logf("%s's log:\n%s", p.name, p.log())
		}
	})
	return p
}

func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// waitFor waits for a log message starting with prefix and returns it.
func (p *process) waitFor(prefix string) string {
	p.t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case msg, ok := <-p.seen:
			if !ok {
				p.t.Fatalf("%s exited before logging %q", p.name, prefix)
			}
			if strings.HasPrefix(msg, prefix) {
				return msg
			}
		case <-timeout:
			p.t.Fatalf("%s did not log %q within a minute", p.name, prefix)
		}
	}
}

// ready waits until the process listens and answers /readyz with 200.
func (p *process) ready() {
	p.t.Helper()
	msg := p.waitFor("nalgae listening")
	p.base = strings.TrimPrefix(msg, "nalgae listening ")
	if code, body := p.call("GET", "/readyz", nil, ""); code != http.StatusOK {
		p.t.Fatalf("%s: readyz %d %s", p.name, code, body)
	}
}

// call sends a JSON request and returns the status and body.
func (p *process) call(method, path string, body any, token string) (int, []byte) {
	p.t.Helper()
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			p.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, p.base+path, r)
	if err != nil {
		p.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatalf("%s: %s %s: %v", p.name, method, path, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return res.StatusCode, out
}

// exit waits for the process to end and returns its exit code.
func (p *process) exit() int {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		p.t.Fatalf("%s did not exit", p.name)
	}
	return p.cmd.ProcessState.ExitCode()
}
