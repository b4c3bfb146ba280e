package api

import (
	"bytes"
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob/fileblob"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/modelstest"
	"github.com/nalgae/nalgae/models/searchad"
	"github.com/nalgae/nalgae/models/searchad/searchadfake"
	"github.com/nalgae/nalgae/models/secretbox"
)

// What every test server gets for SPEC §14: a secret key, a SearchAd client
// of the shared local stand-in, and an evidence bucket of its own.

// The stand-in's account; the secret is one no test output may show.
const (
	fakeCustomer   = "1234567"
	fakeAPIKey     = "0100000000f2b0c4d9e8a7165ab2c3d4e5f6a7b8c9d0e1f2"
	fakeSecret     = "AQAAAADzqXMrSECRET9vYGNmZWFkYmVlZg=="
	fakeCampaign   = "cmp-a001-01-000000000000001"
	fakeDaysFrom   = "2025-10-01"
	fakeDaysNumber = 30
)

var (
	fakeOnce   sync.Once
	fakeServer *searchadfake.Server
	fakeURL    string
	testBox    *secretbox.Box
)

// sharedFake starts the stand-in once per test binary.
func sharedFake() (*searchadfake.Server, string) {
	fakeOnce.Do(func() {
		fakeServer = searchadfake.New(searchadfake.DemoAccount(fakeCustomer, fakeAPIKey, fakeSecret, fakeCampaign,
			civil.MustParse(fakeDaysFrom), fakeDaysNumber))
		fakeServer.Prefix = "/searchad"
		fakeURL = httptest.NewServer(fakeServer).URL + fakeServer.Prefix
		var err error
		if testBox, err = secretbox.New(bytes.Repeat([]byte{0x5a}, secretbox.KeySize)); err != nil {
			panic(err)
		}
	})
	return fakeServer, fakeURL
}

func configureSources(t testing.TB, store *models.Store) {
	t.Helper()
	_, url := sharedFake()
	store.SetSecrets(testBox)
	client, err := searchad.New(url, searchad.WithBackoff(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	store.SetSearchAd(client)
	bucket, err := fileblob.OpenBucket(t.TempDir(), &fileblob.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bucket.Close() })
	store.SetEvidenceBucket(bucket)
}

// fakeDays are the stand-in's days of its campaign.
func fakeDays() []searchad.Day {
	return searchadfake.DemoAccount(fakeCustomer, fakeAPIKey, fakeSecret, fakeCampaign,
		civil.MustParse(fakeDaysFrom), fakeDaysNumber).Campaigns[fakeCampaign]
}

// linkCampaign is an access row's setup: the campaign linked to the
// stand-in's account.
func linkCampaign(campaignID uint64) func(t testing.TB, env *testEnv) any {
	return func(t testing.TB, env *testEnv) any {
		t.Helper()
		customer, key, secret, campaign := fakeCustomer, fakeAPIKey, fakeSecret, fakeCampaign
		_, err := env.store.PutSearchAdLink(context.Background(), modelstest.System, campaignID, models.SearchAdLinkInput{
			CustomerID: &customer, APIKey: &key, SecretKey: &secret, SearchAdCampaignID: &campaign})
		if err != nil {
			t.Fatal(err)
		}
		return nil
	}
}
