package api

import (
	"net/http"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// A Smart Store address typed without https:// is accepted and stored with
// it; one of another scheme is still refused with a field error.
func TestMerchantStoreURLNormalised(t *testing.T) {
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	admin := env.token(w.Admin)
	for in, want := range map[string]string{
		"smartstore.naver.com/idogonggam":          "https://smartstore.naver.com/idogonggam",
		"  smartstore.naver.com/amuse  ":           "https://smartstore.naver.com/amuse",
		"http://smartstore.naver.com/old":          "http://smartstore.naver.com/old",
		"https://smartstore.naver.com/idogonggam2": "https://smartstore.naver.com/idogonggam2",
	} {
		rec := env.do("POST", "/api/v1/merchants", map[string]any{"name": "가게 " + want, "smart_store_url": in}, admin)
		expectStatus(t, rec, http.StatusCreated)
		if got := decode[models.Merchant](t, rec).SmartStoreURL; got != want {
			t.Errorf("%q stored as %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "ftp://example.com/x", "https://"} {
		rec := env.do("POST", "/api/v1/merchants", map[string]any{"name": "나쁜 주소", "smart_store_url": bad}, admin)
		expectStatus(t, rec, http.StatusUnprocessableEntity)
		if got := decode[disputeError](t, rec); got.Error.Fields["smart_store_url"] == "" {
			t.Errorf("%q: no field error: %+v", bad, got)
		}
	}
}
