package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// MerchantConsent is a merchant's decision whether a program may name it in
// published results (SPEC §11.1). Without a row the answer is no.
type MerchantConsent struct {
	ID          uint64    `json:"id" gorm:"primaryKey"`
	MerchantID  uint64    `json:"merchant_id" gorm:"not null"`
	ProgramID   uint64    `json:"program_id" gorm:"not null"`
	ProgramName string    `json:"program_name" gorm:"-"`
	Granted     bool      `json:"granted" gorm:"not null"`
	Note        string    `json:"note" gorm:"not null;default:''"`
	RecordedBy  uint64    `json:"recorded_by" gorm:"not null"`
	Version     int64     `json:"version" gorm:"not null;default:1"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// TableName keeps the table's name plural like the others.
func (MerchantConsent) TableName() string { return "merchant_consents" }

// ConsentInput is PUT /merchants/{id}/consents/{program_id}.
type ConsentInput struct {
	Granted *bool
	Note    string
}

// merchantInProgram: the merchant has a team in the program; consent is
// only asked of the program's merchants.
func merchantInProgram(tx *gorm.DB, merchantID, programID uint64) (bool, error) {
	var n int64
	if err := tx.Model(&Team{}).Where("merchant_id = ? AND program_id = ?", merchantID, programID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("merchant teams: %w", err)
	}
	return n > 0, nil
}

// SetConsent records a merchant's consent for a program: decided by the
// owner, or recorded by an admin or the program's professor from paper (the
// note then says so and is required).
func (s *Store) SetConsent(ctx context.Context, actor Actor, merchantID, programID uint64, in ConsentInput) (*MerchantConsent, error) {
	var out MerchantConsent
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		var m Merchant
		if err := first(tx, &m, merchantID); err != nil {
			return nil, err
		}
		inProgram, err := merchantInProgram(tx, merchantID, programID)
		if err != nil {
			return nil, err
		}
		if !inProgram {
			return nil, ErrNotFound
		}
		rel, err := programRelation(tx, actor, programID)
		if err != nil {
			return nil, err
		}
		mayRecord, needsNote := consentRight(actor, &m, rel)
		if err := allow(rel, mayRecord); err != nil {
			return nil, err
		}
		p := Problems{}
		p.Check(in.Granted == nil, "granted", "is required")
		checkText(p, "note", in.Note, 1000, needsNote)
		if err := p.Err(); err != nil {
			return nil, err
		}
		var before *MerchantConsent
		err = tx.Where("merchant_id = ? AND program_id = ?", merchantID, programID).First(&out).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			out = MerchantConsent{MerchantID: merchantID, ProgramID: programID, Version: 1}
		case err != nil:
			return nil, fmt.Errorf("load consent: %w", err)
		default:
			b := out
			before = &b
			out.Version++
		}
		out.Granted, out.Note, out.RecordedBy = *in.Granted, in.Note, actor.UserID
		if err := tx.Save(&out).Error; err != nil {
			return nil, duplicate(err, "a consent for this program")
		}
		action := "update"
		if before == nil {
			action = "create"
		}
		ev := audit{action: action, entity: "consent", entityID: out.ID, programID: programID, after: out}
		if before != nil {
			ev.before = before
		}
		return []audit{ev}, nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListConsents answers, for each program of the merchant the actor may see
// it in, whether the merchant consents (no row: not granted).
func (s *Store) ListConsents(ctx context.Context, actor Actor, merchantID uint64) (Page[MerchantConsent], error) {
	tx := s.db.WithContext(ctx)
	var m Merchant
	if err := first(tx, &m, merchantID); err != nil {
		return Page[MerchantConsent]{}, err
	}
	programs := tx.Session(&gorm.Session{NewDB: true}).Model(&Team{}).Select("program_id").Where("merchant_id = ?", merchantID)
	if !readsAllConsents(actor, &m) {
		programs = programs.Where("program_id IN (?)", consentStaffPrograms(tx, actor))
	}
	var progs []Program
	if err := tx.Where("id IN (?)", programs).Order("id").Find(&progs).Error; err != nil {
		return Page[MerchantConsent]{}, fmt.Errorf("consent programs: %w", err)
	}
	if len(progs) == 0 && !readsAllConsents(actor, &m) {
		return Page[MerchantConsent]{}, ErrNotFound
	}
	ids := make([]uint64, len(progs))
	for i, p := range progs {
		ids[i] = p.ID
	}
	var rows []MerchantConsent
	if err := tx.Where("merchant_id = ? AND program_id IN ?", merchantID, ids).Find(&rows).Error; err != nil {
		return Page[MerchantConsent]{}, fmt.Errorf("consents: %w", err)
	}
	byProgram := map[uint64]MerchantConsent{}
	for _, r := range rows {
		byProgram[r.ProgramID] = r
	}
	page := Page[MerchantConsent]{Items: make([]MerchantConsent, 0, len(progs))}
	for _, p := range progs {
		c, ok := byProgram[p.ID]
		if !ok {
			c = MerchantConsent{MerchantID: merchantID, ProgramID: p.ID}
		}
		c.ProgramName = p.Name
		page.Items = append(page.Items, c)
	}
	return page, nil
}

// consentingMerchants is the set of a program's merchants who consent.
func consentingMerchants(tx *gorm.DB, programID uint64) (map[uint64]bool, error) {
	var ids []uint64
	if err := tx.Model(&MerchantConsent{}).Where("program_id = ? AND granted = ?", programID, true).Pluck("merchant_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("consents: %w", err)
	}
	out := make(map[uint64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
