package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/seed"
)

// publishShared publishes a program's report as user and shares it; it
// returns the publication's id and its share token.
func publishShared(t *testing.T, env *testEnv, user *models.User, programID uint64) (uint64, string) {
	t.Helper()
	tok := env.token(user)
	rec := env.do("POST", fmt.Sprintf("%s/programs/%d/publications", BasePath, programID), map[string]any{"title": "성과 보도자료", "lang": "ko"}, tok)
	expectStatus(t, rec, http.StatusCreated)
	pub := decode[models.Publication](t, rec)
	rec = env.do("POST", fmt.Sprintf("%s/publications/%d/share", BasePath, pub.ID), nil, tok)
	expectStatus(t, rec, http.StatusCreated)
	shared := decode[models.Publication](t, rec)
	if shared.ShareToken == nil {
		t.Fatal("share answered no token")
	}
	return pub.ID, *shared.ShareToken
}

// SPEC §11.2 and §3: a public publication of the demo program, opened
// without login in both languages (and its CSV and XLSX), holds no
// student's name or email and no name of a merchant (or its team) that did
// not consent; the consenting merchants are named.
func TestPublicPublicationHoldsNoPrivateName(t *testing.T) {
	env := newEnv(t)
	if _, err := seed.Demo(t.Context(), env.store); err != nil {
		t.Fatal(err)
	}
	var prof models.User
	if err := env.db.Where("role = ?", models.RoleProfessor).First(&prof).Error; err != nil {
		t.Fatal(err)
	}
	var program models.Program
	if err := env.db.First(&program).Error; err != nil {
		t.Fatal(err)
	}
	var students []models.User
	env.db.Where("role = ?", models.RoleStudent).Find(&students)
	var needles []string
	for _, s := range students {
		needles = append(needles, strings.ToLower(s.Email), s.Name)
	}
	var teams []models.Team
	env.db.Where("program_id = ?", program.ID).Order("id").Find(&teams)
	consenting := map[uint64]bool{}
	var consents []models.MerchantConsent
	env.db.Where("program_id = ? AND granted = ?", program.ID, true).Find(&consents)
	for _, c := range consents {
		consenting[c.MerchantID] = true
	}
	var named []string
	for _, tm := range teams {
		var m models.Merchant
		env.db.First(&m, tm.MerchantID)
		if consenting[m.ID] {
			named = append(named, m.Name)
			continue
		}
		needles = append(needles, m.Name, tm.Name)
	}
	if len(named) != 2 || len(needles) < 2*len(students)+2*7 {
		t.Fatalf("the demo should have 2 consenting merchants and 7 without consent; named %v", named)
	}

	for _, lang := range []string{"ko", "en"} {
		tok := env.token(&prof)
		rec := env.do("POST", fmt.Sprintf("%s/programs/%d/publications", BasePath, program.ID), map[string]any{"title": "보도자료 " + lang, "lang": lang}, tok)
		expectStatus(t, rec, http.StatusCreated)
		pub := decode[models.Publication](t, rec)
		rec = env.do("POST", fmt.Sprintf("%s/publications/%d/share", BasePath, pub.ID), nil, tok)
		expectStatus(t, rec, http.StatusCreated)
		token := *decode[models.Publication](t, rec).ShareToken

		answers := map[string]string{}
		rec = env.do("GET", BasePath+"/public/publications/"+token, nil, "")
		expectStatus(t, rec, http.StatusOK)
		answers["public "+lang] = responseText(t, rec)
		for _, ext := range []string{"csv", "xlsx"} {
			rec = env.do("GET", fmt.Sprintf("%s/publications/%d/report.%s", BasePath, pub.ID, ext), nil, tok)
			expectStatus(t, rec, http.StatusOK)
			answers[ext+" "+lang] = responseText(t, rec)
		}
		for what, text := range answers {
			for _, n := range needles {
				if strings.Contains(strings.ToLower(text), strings.ToLower(n)) {
					t.Errorf("the %s publication shows %q", what, n)
				}
			}
			for _, n := range named {
				if !strings.Contains(text, n) {
					t.Errorf("the %s publication does not name the consenting merchant %s", what, n)
				}
			}
			label := map[string]string{"ko": "참여 업체 1", "en": "Participant 1"}[lang]
			if !strings.Contains(text, label) {
				t.Errorf("the %s publication has no %q", what, label)
			}
		}
	}
}
