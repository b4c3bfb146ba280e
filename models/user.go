package models

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// PasswordCost is the bcrypt cost; SPEC asks for at least 10.
const PasswordCost = 11

// Password length limits. bcrypt reads at most 72 bytes, so a longer
// password is hashed with SHA-256 first (bcryptInput); the upper bound only
// keeps absurd inputs out.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// minLocalPartLen is the shortest email name that a password may not contain:
// shorter ones ("kim") would forbid too many good passwords.
const minLocalPartLen = 3

// UserInput is a new user or the fields of one being changed (nil = keep).
type UserInput struct {
	Email    *string
	Name     *string
	Role     *Role
	Locale   *string
	Disabled *bool
	Password *string
}

func (in UserInput) validate(p Problems, creating bool) {
	if creating {
		p.Check(in.Email == nil, "email", "is required")
		p.Check(in.Name == nil, "name", "is required")
		p.Check(in.Role == nil, "role", "is required")
		p.Check(in.Password == nil, "password", "is required")
	}
	if in.Email != nil {
		addr, err := mail.ParseAddress(*in.Email)
		p.Check(err != nil || addr.Address != strings.TrimSpace(*in.Email), "email", "must be an email address like name@example.com")
	}
	if in.Name != nil {
		checkText(p, "name", *in.Name, 200, true)
	}
	if in.Role != nil {
		p.Check(!ValidRole(*in.Role), "role", "must be one of "+roleList())
	}
	if in.Locale != nil {
		p.Check(*in.Locale != LocaleKo && *in.Locale != LocaleEn, "locale", "must be ko or en")
	}
	if in.Password != nil {
		email := ""
		if in.Email != nil {
			email = *in.Email
		}
		checkPassword(p, "password", *in.Password, email)
	}
}

// checkPassword applies the password policy: 10 to 128 bytes' worth of
// characters, and not the account's email or its name part. email may be
// empty when it is not known yet; callers that change an existing user's
// password check again with the stored address.
func checkPassword(p Problems, field, pw, email string) {
	if reason := PasswordProblem(pw, email); reason != "" {
		p.Add(field, reason)
	}
}

// PasswordProblem says what is wrong with pw as the password of the account
// with this email, or "" when it is acceptable.
func PasswordProblem(pw, email string) string {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return fmt.Sprintf("must be at least %d characters", MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		return fmt.Sprintf("must be at most %d bytes", MaxPasswordLen)
	}
	email = normalizeEmail(email)
	if email == "" {
		return ""
	}
	lower := strings.ToLower(pw)
	local, _, _ := strings.Cut(email, "@")
	if strings.Contains(lower, email) || (len(local) >= minLocalPartLen && strings.Contains(lower, local)) {
		return "must not contain the email address or its name part"
	}
	return ""
}

// checkText validates a free-text field: trimmed length, and no control
// characters that would break CSV exports or terminals.
func checkText(p Problems, field, v string, max int, required bool) {
	t := strings.TrimSpace(v)
	switch {
	case required && t == "":
		p.Add(field, "is required")
	case !utf8.ValidString(v):
		p.Add(field, "must be valid UTF-8 text")
	case utf8.RuneCountInString(t) > max:
		p.Add(field, fmt.Sprintf("must be at most %d characters", max))
	case strings.ContainsAny(v, "\x00"):
		p.Add(field, "must not contain NUL characters")
	}
}

func (in UserInput) apply(u *User) error {
	if in.Email != nil {
		u.Email = normalizeEmail(*in.Email)
	}
	if in.Name != nil {
		u.Name = strings.TrimSpace(*in.Name)
	}
	if in.Role != nil {
		u.Role = *in.Role
	}
	if in.Locale != nil {
		u.Locale = *in.Locale
	}
	if in.Disabled != nil {
		u.Disabled = *in.Disabled
	}
	if in.Password != nil {
		hash, err := HashPassword(*in.Password)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
	}
	return nil
}

func normalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// HashPassword is the bcrypt hash of pw.
func HashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword(bcryptInput(pw), PasswordCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// passwordMatches reports whether pw is the password of hash.
func passwordMatches(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), bcryptInput(pw)) == nil
}

// bcryptInput is what bcrypt is given for pw: pw itself up to bcrypt's 72
// bytes, and beyond that its SHA-256 in base64 (44 bytes, no NUL), so that
// the bytes past 72 still count. No stored password was ever longer than
// 72 bytes before this rule, so the two forms never meet.
func bcryptInput(pw string) []byte {
	if len(pw) <= 72 {
		return []byte(pw)
	}
	sum := sha256.Sum256([]byte(pw))
	return []byte(base64.StdEncoding.EncodeToString(sum[:]))
}

// dummyHash is compared against when the email is unknown, so that a failed
// login takes as long whether or not the account exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("nalgae-timing-equaliser"), PasswordCost)

// CreateUser adds a user (admins only; actor.UserID 0 is the command line).
func (s *Store) CreateUser(ctx context.Context, actor Actor, in UserInput) (*User, error) {
	if !canAdminister(actor) {
		return nil, ErrForbidden
	}
	p := Problems{}
	in.validate(p, true)
	if err := p.Err(); err != nil {
		return nil, err
	}
	u := User{Locale: LocaleKo}
	if err := in.apply(&u); err != nil {
		return nil, err
	}
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		if err := tx.Create(&u).Error; err != nil {
			return nil, duplicate(err, "a user with this email")
		}
		return []audit{{action: "create", entity: "user", entityID: u.ID, after: u}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// UpdateUser changes a user (admins only).
func (s *Store) UpdateUser(ctx context.Context, actor Actor, id uint64, in UserInput) (*User, error) {
	if !canAdminister(actor) {
		if _, err := s.GetUser(ctx, actor, id); err != nil {
			return nil, err
		}
		return nil, ErrForbidden
	}
	p := Problems{}
	in.validate(p, false)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var u User
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		if err := first(tx, &u, id); err != nil {
			return nil, err
		}
		if id == actor.UserID && ((in.Disabled != nil && *in.Disabled) || (in.Role != nil && *in.Role != RoleAdmin)) {
			return nil, Conflict("invalid_state", "you cannot disable yourself or give up your own admin role")
		}
		before := u
		if in.Password != nil {
			email := u.Email
			if in.Email != nil {
				email = *in.Email
			}
			if reason := PasswordProblem(*in.Password, email); reason != "" {
				return nil, Invalid("password", reason)
			}
		}
		if err := in.apply(&u); err != nil {
			return nil, err
		}
		// A user disabled, given another role or a new password keeps no
		// session: their refresh tokens are revoked and their access tokens
		// refused from the next request on.
		if (u.Disabled && !before.Disabled) || u.Role != before.Role || in.Password != nil {
			u.TokenVersion++
		}
		if err := tx.Save(&u).Error; err != nil {
			return nil, duplicate(err, "a user with this email")
		}
		if u.TokenVersion != before.TokenVersion || u.Disabled {
			if err := revokeUserTokens(tx, u.ID); err != nil {
				return nil, err
			}
		}
		return []audit{{action: "update", entity: "user", entityID: u.ID, before: before, after: u}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// ResetPassword sets another user's password (admins only) and ends every
// session of that user: refresh tokens revoked, access tokens refused.
func (s *Store) ResetPassword(ctx context.Context, actor Actor, id uint64, password string) error {
	if !canAdminister(actor) {
		if _, err := s.GetUser(ctx, actor, id); err != nil {
			return err
		}
		return ErrForbidden
	}
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		var u User
		if err := first(tx, &u, id); err != nil {
			return nil, err
		}
		if reason := PasswordProblem(password, u.Email); reason != "" {
			return nil, Invalid("password", reason)
		}
		hash, err := HashPassword(password)
		if err != nil {
			return nil, err
		}
		err = tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
			"password_hash": hash, "token_version": gorm.Expr("token_version + 1"), "updated_at": nowUTC(),
		}).Error
		if err != nil {
			return nil, fmt.Errorf("reset password of user %d: %w", u.ID, err)
		}
		if err := revokeUserTokens(tx, u.ID); err != nil {
			return nil, err
		}
		return []audit{{action: "password_reset", entity: "user", entityID: u.ID}}, nil
	})
}

// SelfInput is what users may change about themselves.
type SelfInput struct {
	Name            *string
	Locale          *string
	Password        *string
	CurrentPassword *string
}

// UpdateSelf changes the actor's own name, language or password; a new
// password needs the current one.
func (s *Store) UpdateSelf(ctx context.Context, actor Actor, in SelfInput) (*User, error) {
	p := Problems{}
	UserInput{Name: in.Name, Locale: in.Locale, Password: in.Password}.validate(p, false)
	if in.Password != nil && in.CurrentPassword == nil {
		p.Add("current_password", "is required to set a new password")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var u User
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		if err := first(tx, &u, actor.UserID); err != nil {
			return nil, err
		}
		if in.Password != nil {
			if !passwordMatches(u.PasswordHash, *in.CurrentPassword) {
				return nil, Invalid("current_password", "is not your current password")
			}
			if reason := PasswordProblem(*in.Password, u.Email); reason != "" {
				return nil, Invalid("password", reason)
			}
		}
		before := u
		if err := (UserInput{Name: in.Name, Locale: in.Locale, Password: in.Password}).apply(&u); err != nil {
			return nil, err
		}
		// A new password signs out every session, this one included: whoever
		// changes a password because it leaked wants the leak's sessions gone.
		if in.Password != nil {
			u.TokenVersion++
			if err := revokeUserTokens(tx, u.ID); err != nil {
				return nil, err
			}
		}
		if err := tx.Save(&u).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "update", entity: "user", entityID: u.ID, before: before, after: u}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Role  Role
	Query string // part of the name or email
	ListOptions
}

// ListUsers lists users: admins see everyone; professors see students and
// merchant owners, so that they can form teams. Others may not list users.
func (s *Store) ListUsers(ctx context.Context, actor Actor, f UserFilter) (Page[User], error) {
	q, err := listableUsers(s.db.WithContext(ctx).Model(&User{}), actor)
	if err != nil {
		return Page[User]{}, err
	}
	if f.Role != "" {
		if !ValidRole(f.Role) {
			return Page[User]{}, Invalid("role", "must be one of "+roleList())
		}
		q = q.Where("role = ?", f.Role)
	}
	if f.Query != "" {
		like := containsPattern(strings.ToLower(f.Query))
		q = q.Where(`LOWER(name) LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\'`, like, like)
	}
	return paginate(q, "id", f.ListOptions, func(u User) uint64 { return u.ID })
}

// GetUser loads a user the actor may see (canSeeUser); others are 404.
func (s *Store) GetUser(ctx context.Context, actor Actor, id uint64) (*User, error) {
	var u User
	if err := first(s.db.WithContext(ctx), &u, id); err != nil {
		return nil, err
	}
	if !canSeeUser(actor, &u) {
		return nil, ErrNotFound
	}
	return &u, nil
}

// ActiveUser loads the user of a request's access token, issued at
// tokenVersion: a disabled or deleted user, or a token older than the user's
// last disable, role change or password reset, is ErrUnauthorized. It is the
// one query authentication costs a request: a primary-key lookup.
func (s *Store) ActiveUser(ctx context.Context, id uint64, tokenVersion int64) (*User, error) {
	var u User
	err := first(s.db.WithContext(ctx), &u, id)
	if errors.Is(err, ErrNotFound) || (err == nil && (u.Disabled || u.TokenVersion != tokenVersion)) {
		return nil, ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// CheckTokenUser is ActiveUser's check of a token's user (the role too),
// for a request refused before its own query checked it.
func (s *Store) CheckTokenUser(ctx context.Context, tok TokenUser) error {
	return checkTokenUser(s.db.WithContext(ctx), tok)
}

// checkTokenUser is ActiveUser's check of a token's user, role included.
func checkTokenUser(tx *gorm.DB, tok TokenUser) error {
	var n int64
	err := tx.Raw(`SELECT COUNT(*) FROM users WHERE id = ? AND NOT disabled AND token_version = ? AND role = ?`,
		tok.UserID, tok.TokenVersion, string(tok.Role)).Row().Scan(&n)
	if err != nil {
		return fmt.Errorf("check user %d: %w", tok.UserID, err)
	}
	if n == 0 {
		return ErrUnauthorized
	}
	return nil
}
