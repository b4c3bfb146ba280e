package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is one running `nalgae serve`.
type server struct {
	cmd    *exec.Cmd
	base   string
	log    *os.File
	exited chan error
}

// startServer execs the binary on b's working database and waits for the
// first 200 from /readyz; the time between is startup_ms. Production mode,
// as deployed; the login rate is raised because the bench logs in fifty
// students from one address.
func startServer(o options, b *backend, instance int) (*server, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, 0, err
	}
	logPath := filepath.Join(o.dataDir, "serve-"+b.name+".log")
	if instance > 1 {
		logPath = filepath.Join(o.dataDir, fmt.Sprintf("serve-%s-%d.log", b.name, instance))
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, 0, err
	}
	cmd := exec.Command(o.bin, "serve", "--addr", addr)
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+b.databaseURL,
		"NALGAE_ENV=production",
		"JWT_SECRET=nalgae-bench-secret-0123456789abcdef-0123456789",
		// Production refuses to start without the key that seals SearchAd
		// keys; the bench links none (32 zero bytes, base64).
		"NALGAE_SECRET_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"NALGAE_LOGIN_RATE=100000",
		"NALGAE_LOG_FORMAT=json",
	)
	if pprofAddr := os.Getenv("BENCH_PPROF_ADDR"); pprofAddr != "" && instance == 1 {
		// Profiles of the first instance, for `go tool pprof` during the run.
		cmd.Env = append(cmd.Env, "NALGAE_PPROF_ADDR="+pprofAddr)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	s := &server{cmd: cmd, base: "http://" + addr, log: logFile, exited: make(chan error, 1)}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, 0, fmt.Errorf("start %s: %w", o.bin, err)
	}
	go func() { s.exited <- cmd.Wait() }()
	probe := &http.Client{Timeout: time.Second}
	deadline := began.Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.exited:
			s.exited <- err
			return nil, 0, fmt.Errorf("nalgae serve exited before it was ready (%v); see %s", err, logPath)
		default:
		}
		resp, err := probe.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, time.Since(began), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	s.stop()
	return nil, 0, fmt.Errorf("nalgae serve was not ready within 2 minutes; see %s", logPath)
}

// freeAddr asks the kernel for a free port on the loopback address.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// peakRSSMB is the server's peak resident memory so far (VmHWM), in MB.
func (s *server) peakRSSMB() (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("read the server's memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				return 0, fmt.Errorf("VmHWM %q: %w", rest, err)
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", s.cmd.Process.Pid)
}

// checkAlive fails when the server died during the run: figures taken
// against a crashing server are not figures.
func (s *server) checkAlive() error {
	select {
	case err := <-s.exited:
		s.exited <- err
		return fmt.Errorf("nalgae serve exited during the run (%v); see %s", err, s.log.Name())
	default:
		return nil
	}
}

// stop asks the server to shut down and kills it if it does not in time.
func (s *server) stop() {
	defer s.log.Close()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	select {
	case <-s.exited:
	case <-ctx.Done():
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}
