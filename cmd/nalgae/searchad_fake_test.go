package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/searchad"
)

// `nalgae searchad-fake` serves what it prints: the real client, signing
// with the printed keys, reads 30 days whose sums are the demo account's;
// a wrong secret is refused as SearchAd would refuse it.
func TestSearchAdFakeCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- searchadFakeCommand(ctx, []string{"--addr", "127.0.0.1:0", "--days", "45"}, pw)
		pw.Close()
	}()
	defer func() {
		cancel()
		go func() { _, _ = io.Copy(io.Discard, pr) }()
		if err := <-done; err != nil {
			t.Errorf("the stand-in ended with %v", err)
		}
	}()

	// Read what it prints up to "Ctrl-C stops it.".
	var printed strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		printed.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Ctrl-C") {
			break
		}
	}
	out := printed.String()
	if !strings.Contains(out, "LOCAL STAND-IN") || !strings.Contains(out, "not SearchAd") {
		t.Fatalf("the output does not say it is a local stand-in:\n%s", out)
	}
	field := func(label string) string {
		m := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(label) + `.*?\s{2,}(\S+)$`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no %q in the output:\n%s", label, out)
		}
		return m[1]
	}
	base := regexp.MustCompile(`Listening on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(out)
	if base == nil {
		t.Fatalf("no address in the output:\n%s", out)
	}
	cred := searchad.Credentials{CustomerID: field("customer id"), APIKey: field("access license"), SecretKey: field("secret key")}
	campaign := field("SearchAd campaign id")
	if !strings.Contains(out, "NALGAE_SEARCHAD_BASE_URL="+base[1]) {
		t.Errorf("the output does not say how to point Nalgae at it:\n%s", out)
	}

	client, err := searchad.New(base[1], searchad.WithBackoff(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	today := civil.Today()
	from := today.AddDays(-29)
	days, err := client.Stats(ctx, cred, campaign, from, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 30 || days[0].Date != from || days[29].Date != today {
		t.Fatalf("%d days from %v to %v, want the 30 days %s to %s", len(days), first(days), last(days), from, today)
	}
	// The demo account's figures, generated here as the stand-in documents
	// them (searchadfake.DemoAccount, day i counted from the first of 45).
	var spend, revenue, gotSpend, gotRevenue int64
	for i := 15; i < 45; i++ {
		imp := int64(1800 + (i*373)%900)
		clk := imp * int64(3+i%3) / 100
		conv := clk / 12
		spend += clk * int64(310+(i*17)%90)
		revenue += conv * 23000
	}
	for _, d := range days {
		gotSpend += d.SpendKRW
		gotRevenue += d.RevenueKRW
	}
	if gotSpend != spend || gotRevenue != revenue || spend == 0 || revenue == 0 {
		t.Fatalf("sums spend %d revenue %d, want %d and %d", gotSpend, gotRevenue, spend, revenue)
	}

	wrong := cred
	wrong.SecretKey = "not-" + cred.SecretKey
	_, err = client.Stats(ctx, wrong, campaign, from, today)
	var refused *searchad.RefusedError
	if !errors.As(err, &refused) || refused.Status != 401 {
		t.Fatalf("a wrong secret: %v, want SearchAd's 401", err)
	}
}

func first(d []searchad.Day) any {
	if len(d) == 0 {
		return nil
	}
	return d[0].Date
}

func last(d []searchad.Day) any {
	if len(d) == 0 {
		return nil
	}
	return d[len(d)-1].Date
}

// The stand-in's keys are public: it refuses to listen beyond loopback, and
// its help says what it is.
func TestSearchAdFakeCommandRefuses(t *testing.T) {
	for _, args := range [][]string{{"--addr", "0.0.0.0:0"}, {"--addr", ":0"}, {"--days", "0"}} {
		var out bytes.Buffer
		if err := searchadFakeCommand(context.Background(), args, &out); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	var help bytes.Buffer
	if err := searchadFakeCommand(context.Background(), []string{"--help"}, &help); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(help.String(), "LOCAL STAND-IN") || !strings.Contains(help.String(), "NALGAE_SEARCHAD_BASE_URL") {
		t.Errorf("help:\n%s", help.String())
	}
}
