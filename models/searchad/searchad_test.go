package searchad_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/searchad"
	"github.com/nalgae/nalgae/models/searchad/searchadfake"
)

// SPEC §14.1's test vector.
func TestSignVector(t *testing.T) {
	got := searchad.Sign("ABCDEFG", "1457082455307", "GET", "/ncc/campaigns")
	if want := "RCqM4pGkhaSvFqzTwnw+2fhlaD182+xAc1n1wBVjdIU="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func fakeWorld(t *testing.T, prefix string) (*searchadfake.Server, string, searchad.Credentials) {
	t.Helper()
	cred := searchad.Credentials{CustomerID: "1234567", APIKey: "0100000000abcdef", SecretKey: "AQAAAAsecret=="}
	acc := &searchadfake.Account{CustomerID: cred.CustomerID, APIKey: cred.APIKey, SecretKey: cred.SecretKey,
		Campaigns: map[string][]searchad.Day{"cmp-a001-01-000000000000001": {
			{Date: civil.MustParse("2026-10-02"), Impressions: 900, Clicks: 30, SpendKRW: 12100, Conversions: 2, RevenueKRW: 56000},
			{Date: civil.MustParse("2026-10-01"), Impressions: 1000, Clicks: 41, SpendKRW: 15230, Conversions: 3, RevenueKRW: 90000},
			{Date: civil.MustParse("2026-09-30"), Impressions: 5, Clicks: 1, SpendKRW: 100},
		}}}
	fake := searchadfake.New(acc)
	fake.Prefix = prefix
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, srv.URL + prefix, cred
}

func TestStats(t *testing.T) {
	// A base URL with a path: the path is sent and signed.
	fake, base, cred := fakeWorld(t, "/api/v1")
	c, err := searchad.New(base, searchad.WithBackoff(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	days, err := c.Stats(context.Background(), cred, "cmp-a001-01-000000000000001", civil.MustParse("2026-10-01"), civil.MustParse("2026-10-31"))
	if err != nil {
		t.Fatal(err)
	}
	want := []searchad.Day{
		{Date: civil.MustParse("2026-10-01"), Impressions: 1000, Clicks: 41, SpendKRW: 15230, Conversions: 3, RevenueKRW: 90000},
		{Date: civil.MustParse("2026-10-02"), Impressions: 900, Clicks: 30, SpendKRW: 12100, Conversions: 2, RevenueKRW: 56000},
	}
	if len(days) != len(want) || days[0] != want[0] || days[1] != want[1] {
		t.Fatalf("days = %+v, want %+v", days, want)
	}
	if all, refused := fake.Requests(); all != 1 || refused != 0 {
		t.Fatalf("requests %d, refused %d", all, refused)
	}
}

func TestRetries429(t *testing.T) {
	fake, base, cred := fakeWorld(t, "")
	c, _ := searchad.New(base, searchad.WithBackoff(time.Millisecond))
	fake.Throttle(2)
	days, err := c.Stats(context.Background(), cred, "cmp-a001-01-000000000000001", civil.MustParse("2026-10-01"), civil.MustParse("2026-10-01"))
	if err != nil || len(days) != 1 {
		t.Fatalf("after two 429s: %d days, %v", len(days), err)
	}
	fake.Throttle(searchad.MaxTries)
	_, err = c.Stats(context.Background(), cred, "cmp-a001-01-000000000000001", civil.MustParse("2026-10-01"), civil.MustParse("2026-10-01"))
	var se *searchad.StatusError
	if !errors.As(err, &se) || se.Status != 429 {
		t.Fatalf("after %d 429s: %v, want a StatusError 429", searchad.MaxTries, err)
	}
	if all, _ := fake.Requests(); all != 3+searchad.MaxTries {
		t.Fatalf("requests %d, want %d", all, 3+searchad.MaxTries)
	}
	// A cancelled context ends the waiting.
	fake.Throttle(1)
	slow, _ := searchad.New(base, searchad.WithBackoff(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := slow.Stats(ctx, cred, "x", civil.MustParse("2026-10-01"), civil.MustParse("2026-10-01")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled wait: %v", err)
	}
}

func TestRefused(t *testing.T) {
	_, base, cred := fakeWorld(t, "")
	c, _ := searchad.New(base)
	cred.SecretKey = "wrong"
	_, err := c.Stats(context.Background(), cred, "cmp-a001-01-000000000000001", civil.MustParse("2026-10-01"), civil.MustParse("2026-10-01"))
	var re *searchad.RefusedError
	if !errors.As(err, &re) || re.Status != 401 {
		t.Fatalf("wrong secret: %v, want a RefusedError 401", err)
	}
}

func TestNewRejectsBadBase(t *testing.T) {
	for _, bad := range []string{"ftp://x", "not a url", "http://"} {
		if _, err := searchad.New(bad); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
}
