package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RefreshTTL is how long a refresh token lives without use.
const RefreshTTL = 30 * 24 * time.Hour

// Login checks an email and password and opens a refresh-token family. A
// wrong password, an unknown email and a disabled account all answer
// ErrUnauthorized, each leaving an audit event.
func (s *Store) Login(ctx context.Context, email, password, ip string) (*User, string, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", normalizeEmail(email)).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		s.auditLoginFailure(ctx, nil, ip)
		return nil, "", ErrUnauthorized
	}
	if err != nil {
		return nil, "", fmt.Errorf("find user: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled {
		s.auditLoginFailure(ctx, &u, ip)
		return nil, "", ErrUnauthorized
	}
	var token string
	actor := Actor{UserID: u.ID, Role: u.Role, IP: ip}
	err = s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		var err error
		token, err = issueRefresh(tx, u.ID, newID())
		return []audit{{action: "login", entity: "user", entityID: u.ID}}, err
	})
	if err != nil {
		return nil, "", err
	}
	return &u, token, nil
}

func (s *Store) auditLoginFailure(ctx context.Context, u *User, ip string) {
	actor := Actor{IP: ip}
	ev := audit{action: "login_failed", entity: "user"}
	if u != nil {
		ev.entityID = u.ID
	}
	_ = s.write(ctx, actor, func(*gorm.DB) ([]audit, error) { return []audit{ev}, nil })
}

// Refresh exchanges a refresh token for a new one of the same family. A token
// that was already used or revoked is a replay: the whole family is revoked,
// so a thief and the victim are both logged out.
func (s *Store) Refresh(ctx context.Context, token, ip string) (*User, string, error) {
	var (
		u       User
		next    string
		replay  bool
		hash    = hashToken(token)
		invalid = ErrUnauthorized
	)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rt RefreshToken
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("token_hash = ?", hash).First(&rt).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return invalid
		}
		if err != nil {
			return fmt.Errorf("find refresh token: %w", err)
		}
		now := nowUTC()
		if rt.UsedAt != nil || rt.RevokedAt != nil {
			replay = true
			if err := tx.Model(&RefreshToken{}).Where("family_id = ? AND revoked_at IS NULL", rt.FamilyID).
				Update("revoked_at", now).Error; err != nil {
				return err
			}
			return appendAudit(tx, Actor{UserID: rt.UserID, IP: ip}, audit{action: "refresh_reuse", entity: "user", entityID: rt.UserID})
		}
		if now.After(rt.ExpiresAt) {
			return invalid
		}
		if err := first(tx, &u, rt.UserID); err != nil || u.Disabled {
			return invalid
		}
		if err := tx.Model(&rt).Update("used_at", now).Error; err != nil {
			return err
		}
		next, err = issueRefresh(tx, u.ID, rt.FamilyID)
		return err
	})
	if replay {
		return nil, "", ErrUnauthorized
	}
	if err != nil {
		return nil, "", err
	}
	return &u, next, nil
}

// Logout revokes the family of a refresh token. An unknown token is fine:
// logging out twice is not an error.
func (s *Store) Logout(ctx context.Context, token, ip string) error {
	var rt RefreshToken
	err := s.db.WithContext(ctx).Where("token_hash = ?", hashToken(token)).First(&rt).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find refresh token: %w", err)
	}
	return s.write(ctx, Actor{UserID: rt.UserID, IP: ip}, func(tx *gorm.DB) ([]audit, error) {
		err := tx.Model(&RefreshToken{}).Where("family_id = ? AND revoked_at IS NULL", rt.FamilyID).
			Update("revoked_at", nowUTC()).Error
		return []audit{{action: "logout", entity: "user", entityID: rt.UserID}}, err
	})
}

func revokeUserTokens(tx *gorm.DB, userID uint64) error {
	return tx.Model(&RefreshToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", nowUTC()).Error
}

func issueRefresh(tx *gorm.DB, userID uint64, family string) (string, error) {
	token := newToken()
	rt := RefreshToken{
		UserID:    userID,
		FamilyID:  family,
		TokenHash: hashToken(token),
		ExpiresAt: nowUTC().Add(RefreshTTL),
	}
	if err := tx.Create(&rt).Error; err != nil {
		return "", fmt.Errorf("store refresh token: %w", err)
	}
	return token, nil
}

// newToken is 256 random bits, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	return base64.RawURLEncoding.EncodeToString(b)
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// hashToken is what is stored: a database leak gives no usable tokens.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
