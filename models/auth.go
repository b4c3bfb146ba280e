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

// LoginLimits bound failed logins within a sliding window: per account
// (the email typed, whether or not such a user exists, so that the throttle
// tells nothing about which accounts exist) and, looser, per client address.
// The failures are rows of login_failures, so every instance on one database
// counts the same ones.
type LoginLimits struct {
	AccountFailures int
	IPFailures      int
	Window          time.Duration
}

// DefaultLoginLimits: 10 failures per account and 50 per address in 15
// minutes; the 11th attempt on an account is refused until the oldest of
// its failures is 15 minutes old.
var DefaultLoginLimits = LoginLimits{AccountFailures: 10, IPFailures: 50, Window: 15 * time.Minute}

// SetLoginLimits changes the login throttle; zero fields keep the default.
func (s *Store) SetLoginLimits(l LoginLimits) {
	if l.AccountFailures <= 0 {
		l.AccountFailures = DefaultLoginLimits.AccountFailures
	}
	if l.IPFailures <= 0 {
		l.IPFailures = DefaultLoginLimits.IPFailures
	}
	if l.Window <= 0 {
		l.Window = DefaultLoginLimits.Window
	}
	s.loginLimits = l
}

// ThrottledError refuses a login attempt without checking its password.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed logins; try again in %d seconds", e.RetrySeconds())
}

// RetrySeconds is RetryAfter in whole seconds, rounded up, at least 1.
func (e *ThrottledError) RetrySeconds() int {
	return max(1, int((e.RetryAfter+time.Second-1)/time.Second))
}

// Login checks an email and password and opens a refresh-token family. A
// wrong password, an unknown email and a disabled account all answer
// ErrUnauthorized after the same bcrypt work, each leaving an audit event
// and a login failure; past the limits an attempt is a *ThrottledError
// before any password is checked.
//
// The attempt is recorded as a failure before the counts are read, so that
// concurrent attempts, on one instance or several, cannot all see a count
// under the limit: of any group of attempts, the last to count sees all of
// them. A successful login removes its own record and forgives the
// account's earlier failures (they keep counting against their address, so
// that an attacker cannot reset an address's count with an account of
// their own).
func (s *Store) Login(ctx context.Context, email, password, ip string) (*User, string, error) {
	email = normalizeEmail(email)
	attempt, err := s.reserveLoginAttempt(ctx, email, ip)
	if err != nil {
		return nil, "", err
	}
	var u User
	err = s.db.WithContext(ctx).Where("email = ?", email).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, bcryptInput(password))
		s.auditLoginFailure(ctx, nil, ip)
		return nil, "", ErrUnauthorized
	}
	if err != nil {
		return nil, "", fmt.Errorf("find user: %w", err)
	}
	if !passwordMatches(u.PasswordHash, password) || u.Disabled {
		s.auditLoginFailure(ctx, &u, ip)
		return nil, "", ErrUnauthorized
	}
	var token string
	actor := Actor{UserID: u.ID, Role: u.Role, IP: ip}
	err = s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		if err := tx.Delete(&LoginFailure{}, attempt).Error; err != nil {
			return nil, fmt.Errorf("drop the login attempt: %w", err)
		}
		if err := tx.Model(&LoginFailure{}).Where("email = ? AND cleared = ?", email, false).
			Update("cleared", true).Error; err != nil {
			return nil, fmt.Errorf("forgive failed logins: %w", err)
		}
		var err error
		token, err = issueRefresh(tx, u.ID, newID())
		return []audit{{action: "login", entity: "user", entityID: u.ID}}, err
	})
	if err != nil {
		return nil, "", err
	}
	return &u, token, nil
}

// reserveLoginAttempt records an attempt as a failure and checks the
// limits, counting it: it answers the record's id, or a *ThrottledError
// (the record then removed) when the account or the address is over its
// limit. Records older than the window are pruned on the way.
func (s *Store) reserveLoginAttempt(ctx context.Context, email, ip string) (uint64, error) {
	db := s.db.WithContext(ctx)
	lim := s.loginLimits
	now := nowUTC()
	since := now.Add(-lim.Window)
	if err := db.Where("at < ?", since).Delete(&LoginFailure{}).Error; err != nil {
		return 0, fmt.Errorf("prune login failures: %w", err)
	}
	attempt := LoginFailure{Email: email, IP: ip, At: now}
	if err := db.Create(&attempt).Error; err != nil {
		return 0, fmt.Errorf("record login attempt: %w", err)
	}
	var wait time.Duration
	for _, bar := range []struct {
		q     func() *gorm.DB
		limit int
	}{
		{func() *gorm.DB {
			return db.Model(&LoginFailure{}).Where("email = ? AND cleared = ? AND at >= ?", email, false, since)
		}, lim.AccountFailures},
		{func() *gorm.DB { return db.Model(&LoginFailure{}).Where("ip = ? AND at >= ?", ip, since) }, lim.IPFailures},
	} {
		var n int64
		if err := bar.q().Count(&n).Error; err != nil {
			return 0, fmt.Errorf("count login failures: %w", err)
		}
		if n <= int64(bar.limit) {
			continue
		}
		// The next attempt is allowed once the (n-limit)-th oldest of the n
		// failures counted here has aged out of the window.
		var at []time.Time
		if err := bar.q().Order("at").Offset(int(n)-1-bar.limit).Limit(1).Pluck("at", &at).Error; err != nil {
			return 0, fmt.Errorf("read login failures: %w", err)
		}
		w := lim.Window
		if len(at) == 1 {
			w = at[0].Add(lim.Window).Sub(now)
		}
		wait = max(wait, w, time.Second) // over the limit is refused, however soon it ends
	}
	if wait > 0 {
		if err := db.Delete(&LoginFailure{}, attempt.ID).Error; err != nil {
			return 0, fmt.Errorf("drop refused login attempt: %w", err)
		}
		return 0, &ThrottledError{RetryAfter: wait}
	}
	return attempt.ID, nil
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
