package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/nalgae/nalgae/models"
)

// Access tokens: HS256 JWTs with the method, issuer and audience pinned, so
// that "alg: none", an RS/HS confusion or a token minted for another service
// is refused.
const (
	AccessTTL     = 15 * time.Minute
	tokenIssuer   = "nalgae"
	tokenAudience = "nalgae-api"
	MinSecretLen  = 32
)

// Tokens issues and verifies access tokens with one shared secret, so that
// any instance given the same secret accepts them.
type Tokens struct {
	secret []byte
	now    func() time.Time
}

// NewTokens needs a secret of at least MinSecretLen bytes.
func NewTokens(secret []byte) (*Tokens, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("JWT secret must be at least %d bytes", MinSecretLen)
	}
	return &Tokens{secret: secret, now: time.Now}, nil
}

type accessClaims struct {
	Role string `json:"role"`
	// Version is the user's token version when the token was issued; a
	// token without one (or with an older one) is refused.
	Version *int64 `json:"ver"`
	jwt.RegisteredClaims
}

// Issue signs an access token for a user.
func (t *Tokens) Issue(u *models.User) (string, error) {
	now := t.now()
	jti := make([]byte, 12)
	_, _ = rand.Read(jti)
	claims := accessClaims{
		Role:    string(u.Role),
		Version: &u.TokenVersion,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tokenIssuer,
			Subject:   strconv.FormatUint(u.ID, 10),
			Audience:  jwt.ClaimStrings{tokenAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTTL)),
			ID:        hex.EncodeToString(jti),
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return signed, nil
}

// Verify checks a token and returns the user id it was issued to and the
// user's token version at the time.
func (t *Tokens) Verify(raw string) (uint64, int64, error) {
	var claims accessClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithAudience(tokenAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(5*time.Second),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return 0, 0, errors.Join(models.ErrUnauthorized, err)
	}
	id, err := strconv.ParseUint(claims.Subject, 10, 64)
	if err != nil || id == 0 || claims.Version == nil {
		return 0, 0, models.ErrUnauthorized
	}
	return id, *claims.Version, nil
}
