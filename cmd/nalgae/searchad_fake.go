package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/searchad/searchadfake"
)

// The credentials `nalgae searchad-fake` accepts. They are made up and
// printed on purpose: a newcomer links a campaign with them to watch a pull
// work end to end without a SearchAd account. Real keys never look like
// these, and the stand-in listens on loopback only.
const (
	standInCustomer = "1234567"
	standInAPIKey   = "0100000000local-stand-in-api-key-not-searchad"
	standInSecret   = "LOCAL-STAND-IN-secret-key-not-searchad=="
	standInCampaign = "cmp-a001-01-000000000000001"
)

const searchadFakeUsage = `nalgae searchad-fake — a LOCAL STAND-IN for the Naver SearchAd API (not SearchAd)

Serves GET /stats with made-up daily numbers (the last --days days up to today,
Asia/Seoul) so that a pull can be tried without a SearchAd account. It checks each
request's signature as SearchAd does and refuses a wrong key with 401. It prints
the customer id, access license (API key), secret key and campaign id it accepts;
run the server with NALGAE_SEARCHAD_BASE_URL set to the address it prints and link
a search-ad or shopping-ad campaign with them on the campaign page.

Usage:
  nalgae searchad-fake [--addr 127.0.0.1:8091] [--days 90]
`

// searchadFakeCommand runs the stand-in until ctx ends (Ctrl-C).
func searchadFakeCommand(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("searchad-fake", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { fmt.Fprint(out, searchadFakeUsage) }
	addr := fs.String("addr", "127.0.0.1:8091", "loopback address to listen on (port 0 picks a free one)")
	days := fs.Int("days", 90, "how many days of numbers, ending today (1 to 400)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *days < 1 || *days > 400 {
		return fmt.Errorf("--days must be 1 to 400")
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("--addr: %w", err)
	}
	// Its keys are printed for everyone: it must not be reachable from
	// another machine.
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--addr %s: the stand-in listens on a loopback address only (127.0.0.1)", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	today := civil.Today()
	start := today.AddDays(1 - *days)
	fake := searchadfake.New(searchadfake.DemoAccount(standInCustomer, standInAPIKey, standInSecret, standInCampaign, start, *days))
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(out, `LOCAL STAND-IN for the Naver SearchAd API — not SearchAd; made-up numbers for trying a pull.
Listening on %s (GET /stats), days %s to %s.

Run Nalgae against it:
  NALGAE_SEARCHAD_BASE_URL=%s nalgae serve

Then link a search-ad or shopping-ad campaign (campaign page, 검색광고 API 연동) with:
  customer id (고객 ID)                     %s
  access license (액세스 라이선스, API key)  %s
  secret key (비밀키)                       %s
  SearchAd campaign id (캠페인 ID)          %s

Ctrl-C stops it.
`, base, start, today, base, standInCustomer, standInAPIKey, standInSecret, standInCampaign)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// searchadFake is the command as main runs it: it stops on SIGINT/SIGTERM.
func searchadFake(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return searchadFakeCommand(ctx, args, os.Stdout)
}
