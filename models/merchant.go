package models

import (
	"context"
	"net/url"
	"strings"

	"gorm.io/gorm"
)

// MerchantInput is a new merchant or the fields to change (nil = keep).
type MerchantInput struct {
	Name, Category, Region, SmartStoreURL *string
	HasOfflineStore                       *bool
	OwnerUserID                           **uint64 // set to a nil *uint64 to clear
	Version                               *int64
}

func (in MerchantInput) apply(m *Merchant) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&m.Name, in.Name)
	set(&m.Category, in.Category)
	set(&m.Region, in.Region)
	set(&m.SmartStoreURL, in.SmartStoreURL)
	m.SmartStoreURL = normalizeStoreURL(m.SmartStoreURL)
	if in.HasOfflineStore != nil {
		m.HasOfflineStore = *in.HasOfflineStore
	}
	if in.OwnerUserID != nil {
		m.OwnerUserID = *in.OwnerUserID
	}
}

// normalizeStoreURL accepts a store address as people type it
// ("smartstore.naver.com/idogonggam"): without a scheme, https:// is meant.
// Anything with another scheme is left for validate to refuse.
func normalizeStoreURL(s string) string {
	if s == "" || strings.Contains(s, "://") {
		return s
	}
	return "https://" + s
}

func (m *Merchant) validate(tx *gorm.DB) error {
	p := Problems{}
	checkText(p, "name", m.Name, 200, true)
	checkText(p, "category", m.Category, 100, false)
	checkText(p, "region", m.Region, 100, false)
	if m.SmartStoreURL != "" {
		u, err := url.Parse(m.SmartStoreURL)
		p.Check(err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "", "smart_store_url", "must be an http(s) address")
	}
	if m.OwnerUserID != nil {
		var owner User
		if err := first(tx, &owner, *m.OwnerUserID); err != nil {
			p.Add("owner_user_id", "no such user")
		} else {
			p.Check(owner.Role != RoleMerchant, "owner_user_id", "must be a merchant user")
		}
	}
	return p.Err()
}

// CreateMerchant adds a merchant (admins only).
func (s *Store) CreateMerchant(ctx context.Context, actor Actor, in MerchantInput) (*Merchant, error) {
	if !canAdminister(actor) {
		return nil, ErrForbidden
	}
	m := Merchant{Version: 1}
	in.apply(&m)
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		if err := m.validate(tx); err != nil {
			return nil, err
		}
		if err := tx.Create(&m).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "create", entity: "merchant", entityID: m.ID, after: m}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// GetMerchant loads a merchant the actor may read.
func (s *Store) GetMerchant(ctx context.Context, actor Actor, id uint64) (*Merchant, error) {
	return loadMerchant(s.db.WithContext(ctx), actor, id)
}

func loadMerchant(tx *gorm.DB, actor Actor, id uint64) (*Merchant, error) {
	var m Merchant
	err := tx.Where("id = ? AND id IN (?)", id, readableMerchantIDs(tx, actor)).First(&m).Error
	if err != nil {
		return nil, ErrNotFound
	}
	return &m, nil
}

// ListMerchants lists the merchants the actor may read.
func (s *Store) ListMerchants(ctx context.Context, actor Actor, opt ListOptions) (Page[Merchant], error) {
	tx := s.db.WithContext(ctx)
	q := tx.Model(&Merchant{}).Where("id IN (?)", readableMerchantIDs(tx, actor))
	return paginate(q, "id", opt, func(m Merchant) uint64 { return m.ID })
}

// UpdateMerchant changes a merchant (admins only).
func (s *Store) UpdateMerchant(ctx context.Context, actor Actor, id uint64, in MerchantInput) (*Merchant, error) {
	var m Merchant
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		loaded, err := loadMerchant(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if !canAdminister(actor) {
			return nil, ErrForbidden
		}
		m = *loaded
		if err := checkVersion(in.Version, m.Version); err != nil {
			return nil, err
		}
		before := m
		in.apply(&m)
		if err := m.validate(tx); err != nil {
			return nil, err
		}
		m.Version++
		if err := saveVersioned(tx, &m, m.ID, before.Version); err != nil {
			return nil, err
		}
		return []audit{{action: "update", entity: "merchant", entityID: m.ID, before: before, after: m}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}
