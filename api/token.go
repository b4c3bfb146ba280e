package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
	lru "github.com/hashicorp/golang-lru/v2"

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
	// verified keeps the tokens this instance has verified, by their text:
	// a client sends the same token on every request of its quarter hour,
	// and checking its signature and decoding its claims again was a tenth
	// of a kept KPI answer's time. Only the times are checked on a reuse.
	verified *lru.Cache[string, verifiedToken]
}

// verifiedTokensSize bounds the tokens kept (a few hundred bytes each).
const verifiedTokensSize = 8192

// tokenLeeway is the clock skew allowed on a token's times.
const tokenLeeway = 5 * time.Second

// verifiedToken is what a verified token said, and when it may be used.
type verifiedToken struct {
	user      models.TokenUser
	notBefore time.Time // the later of nbf and iat, less the leeway
	expires   time.Time // exp plus the leeway
}

// NewTokens needs a secret of at least MinSecretLen bytes.
func NewTokens(secret []byte) (*Tokens, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("JWT secret must be at least %d bytes", MinSecretLen)
	}
	verified, err := lru.New[string, verifiedToken](verifiedTokensSize)
	if err != nil {
		return nil, fmt.Errorf("verified tokens: %w", err)
	}
	return &Tokens{secret: secret, now: time.Now, verified: verified}, nil
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

// VerifyUser checks a token and returns what it says of its user: the id,
// the role and the token version it was issued under (the user row is not
// read: see models.TokenUser).
func (t *Tokens) VerifyUser(raw string) (models.TokenUser, error) {
	if v, ok := t.verified.Get(raw); ok {
		if now := t.now(); !now.Before(v.notBefore) && now.Before(v.expires) {
			return v.user, nil
		}
	}
	user, claims, err := t.parse(raw)
	if err != nil {
		return models.TokenUser{}, err
	}
	var notBefore time.Time
	if claims.IssuedAt != nil {
		notBefore = claims.IssuedAt.Time
	}
	if claims.NotBefore != nil && claims.NotBefore.After(notBefore) {
		notBefore = claims.NotBefore.Time
	}
	t.verified.Add(raw, verifiedToken{user: user, notBefore: notBefore.Add(-tokenLeeway), expires: claims.ExpiresAt.Add(tokenLeeway)})
	return user, nil
}

// parse verifies a token's signature, issuer, audience and times, and reads
// its claims.
func (t *Tokens) parse(raw string) (models.TokenUser, *accessClaims, error) {
	var claims accessClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithAudience(tokenAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(tokenLeeway),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return models.TokenUser{}, nil, errors.Join(models.ErrUnauthorized, err)
	}
	id, err := strconv.ParseUint(claims.Subject, 10, 64)
	if err != nil || id == 0 || claims.Version == nil {
		return models.TokenUser{}, nil, models.ErrUnauthorized
	}
	return models.TokenUser{UserID: id, Role: models.Role(claims.Role), TokenVersion: *claims.Version}, &claims, nil
}
