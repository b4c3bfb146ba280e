package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/searchad"
)

// A campaign's link to a Naver SearchAd account (SPEC §14.1). The API key
// and secret key are sealed with the instance's key (models/secretbox)
// before they reach the database, bound to the link's campaign, and only
// opened in memory for a pull; no answer, audit event, log line or export
// carries them (the struct's json tags and the audit's explicit fields see
// to that, and the tests grep for them).

// SearchAdLink is a stored link. Its JSON is the answer of GET
// /campaigns/{id}/searchad-link.
type SearchAdLink struct {
	ID                 uint64     `json:"-" gorm:"primaryKey"`
	CampaignID         uint64     `json:"campaign_id" gorm:"not null"`
	CustomerID         string     `json:"customer_id" gorm:"not null"`
	SearchAdCampaignID string     `json:"searchad_campaign_id" gorm:"column:searchad_campaign_id;not null"`
	APIKeySealed       string     `json:"-" gorm:"column:api_key_sealed;not null"`
	SecretKeySealed    string     `json:"-" gorm:"column:secret_key_sealed;not null"`
	APIKeyLast4        string     `json:"api_key_last4" gorm:"column:api_key_last4;not null"`
	LastPulledAt       *time.Time `json:"last_pulled_at"`
	LastError          string     `json:"last_error" gorm:"not null;default:''"`
	LastErrorAt        *time.Time `json:"last_error_at"`
	Version            int64      `json:"version" gorm:"not null;default:1"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
}

// TableName is "searchad_links".
func (SearchAdLink) TableName() string { return "searchad_links" }

// SearchAdLinkInput is what PUT sends. The keys are write-only: on a
// campaign already linked, an absent key keeps the stored one.
type SearchAdLinkInput struct {
	CustomerID         *string
	APIKey             *string
	SecretKey          *string
	SearchAdCampaignID *string
	Version            *int64
}

// auditView is what an audit event says of a link: never a key.
func (l *SearchAdLink) auditView() map[string]any {
	return map[string]any{"campaign_id": l.CampaignID, "customer_id": l.CustomerID,
		"searchad_campaign_id": l.SearchAdCampaignID, "api_key_last4": l.APIKeyLast4}
}

// sealContext binds a sealed key to its campaign and field, so that a value
// copied into another row does not open there.
func sealContext(campaignID uint64, field string) string {
	return fmt.Sprintf("searchad_link:%d:%s", campaignID, field)
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// linkable reports whether a campaign of this kind is a SearchAd campaign.
func linkable(k Kind) bool { return k == KindSearchAd || k == KindShoppingAd }

// GetSearchAdLink answers a campaign's link (ErrNotFound when there is
// none); whoever may read the campaign may read it.
func (s *Store) GetSearchAdLink(ctx context.Context, actor Actor, campaignID uint64) (*SearchAdLink, error) {
	tx := s.db.WithContext(ctx)
	if _, _, _, err := loadCampaign(tx, actor, campaignID); err != nil {
		return nil, err
	}
	return findLink(tx, campaignID)
}

func findLink(tx *gorm.DB, campaignID uint64) (*SearchAdLink, error) {
	var l SearchAdLink
	err := tx.Where("campaign_id = ?", campaignID).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load searchad link: %w", err)
	}
	return &l, nil
}

// PutSearchAdLink creates or replaces a campaign's link without contacting
// SearchAd (the next pull tells whether the keys work).
func (s *Store) PutSearchAdLink(ctx context.Context, actor Actor, campaignID uint64, in SearchAdLinkInput) (*SearchAdLink, error) {
	box := s.sources.secrets
	if box == nil {
		return nil, errors.New("searchad link: no secret key configured (NALGAE_SECRET_KEY)")
	}
	var out *SearchAdLink
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		c, t, rel, err := loadCampaign(tx, actor, campaignID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		l, err := findLink(tx, campaignID)
		created := errors.Is(err, ErrNotFound)
		if err != nil && !created {
			return nil, err
		}
		if created {
			l = &SearchAdLink{CampaignID: campaignID, Version: 1}
		} else if err := checkVersion(in.Version, l.Version); err != nil {
			return nil, err
		}
		before := l.auditView()
		if err := l.apply(box, c, in, created); err != nil {
			return nil, err
		}
		if created {
			if err := tx.Create(l).Error; err != nil {
				return nil, duplicate(err, "a SearchAd link of this campaign")
			}
			out = l
			return []audit{{action: "create", entity: "searchad_link", entityID: l.ID, programID: t.ProgramID, after: l.auditView()}}, nil
		}
		loaded := l.Version
		l.Version++
		l.UpdatedAt = nowUTC()
		res := tx.Model(&SearchAdLink{}).Where("id = ? AND version = ?", l.ID, loaded).Updates(map[string]any{
			"customer_id": l.CustomerID, "searchad_campaign_id": l.SearchAdCampaignID, "api_key_sealed": l.APIKeySealed,
			"secret_key_sealed": l.SecretKeySealed, "api_key_last4": l.APIKeyLast4, "last_error": l.LastError,
			"last_error_at": l.LastErrorAt, "version": l.Version, "updated_at": l.UpdatedAt})
		if res.Error != nil {
			return nil, fmt.Errorf("update searchad link: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil, errVersion(loaded + 1)
		}
		out = l
		return []audit{{action: "update", entity: "searchad_link", entityID: l.ID, programID: t.ProgramID, before: before, after: l.auditView()}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// apply validates in and seals its keys into l.
func (l *SearchAdLink) apply(box secretSealer, c *Campaign, in SearchAdLinkInput, created bool) error {
	p := Problems{}
	if !linkable(c.Kind) {
		return Conflict("invalid_state", "only search_ad and shopping_ad campaigns can be linked to SearchAd; this campaign is %s", c.Kind)
	}
	trim := func(v *string) *string {
		if v == nil {
			return nil
		}
		t := strings.TrimSpace(*v)
		return &t
	}
	customer, apiKey, secret, campaign := trim(in.CustomerID), trim(in.APIKey), trim(in.SecretKey), trim(in.SearchAdCampaignID)
	required := func(field string, v *string, stored string) {
		if v == nil && stored == "" {
			p.Add(field, "is required")
		}
		if v != nil && *v == "" {
			p.Add(field, "must not be empty")
		}
	}
	required("customer_id", customer, l.CustomerID)
	required("searchad_campaign_id", campaign, l.SearchAdCampaignID)
	if created {
		required("api_key", apiKey, "")
		required("secret_key", secret, "")
	} else {
		required("api_key", apiKey, "kept")
		required("secret_key", secret, "kept")
	}
	if customer != nil && *customer != "" {
		p.Check(!isDigits(*customer) || len(*customer) > 20, "customer_id", "must be the customer id: digits only")
	}
	if campaign != nil {
		p.Check(len(*campaign) > 100 || strings.ContainsAny(*campaign, " \t\r\n"), "searchad_campaign_id", "must be SearchAd's campaign id (e.g. cmp-a001-01-000000000000001)")
	}
	for field, v := range map[string]*string{"api_key": apiKey, "secret_key": secret} {
		if v != nil {
			p.Check(len(*v) > 500 || strings.ContainsFunc(*v, func(r rune) bool { return r < 0x21 || r == 0x7f }), field, "must be the key as SearchAd shows it (no spaces, at most 500 characters)")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if customer != nil {
		l.CustomerID = *customer
	}
	if campaign != nil {
		l.SearchAdCampaignID = *campaign
	}
	if apiKey != nil {
		sealed, err := box.Seal(*apiKey, sealContext(l.CampaignID, "api_key"))
		if err != nil {
			return err
		}
		l.APIKeySealed = sealed
		l.APIKeyLast4 = last4(*apiKey)
	}
	if secret != nil {
		sealed, err := box.Seal(*secret, sealContext(l.CampaignID, "secret_key"))
		if err != nil {
			return err
		}
		l.SecretKeySealed = sealed
	}
	// New keys or a new account: the last error was about the old ones.
	l.LastError, l.LastErrorAt = "", nil
	return nil
}

// secretSealer is the part of secretbox.Box a link needs.
type secretSealer interface {
	Seal(plain, context string) (string, error)
}

// last4 is what the API shows of a key: its last four characters.
func last4(key string) string {
	r := []rune(key)
	if len(r) <= 4 {
		return ""
	}
	return string(r[len(r)-4:])
}

// DeleteSearchAdLink unlinks a campaign; its entries stay.
func (s *Store) DeleteSearchAdLink(ctx context.Context, actor Actor, campaignID uint64) error {
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		_, t, rel, err := loadCampaign(tx, actor, campaignID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		l, err := findLink(tx, campaignID)
		if err != nil {
			return nil, err
		}
		if err := tx.Delete(&SearchAdLink{}, l.ID).Error; err != nil {
			return nil, fmt.Errorf("delete searchad link: %w", err)
		}
		return []audit{{action: "delete", entity: "searchad_link", entityID: l.ID, programID: t.ProgramID, before: l.auditView()}}, nil
	})
}

// credentials opens a link's keys for a pull.
func (s *Store) credentials(l *SearchAdLink) (searchad.Credentials, error) {
	box := s.sources.secrets
	if box == nil {
		return searchad.Credentials{}, errors.New("searchad pull: no secret key configured (NALGAE_SECRET_KEY)")
	}
	apiKey, err := box.Open(l.APIKeySealed, sealContext(l.CampaignID, "api_key"))
	if err != nil {
		return searchad.Credentials{}, err
	}
	secret, err := box.Open(l.SecretKeySealed, sealContext(l.CampaignID, "secret_key"))
	if err != nil {
		return searchad.Credentials{}, err
	}
	return searchad.Credentials{CustomerID: l.CustomerID, APIKey: apiKey, SecretKey: secret}, nil
}
