// Package secretbox encrypts the few secrets Nalgae must keep to act for a
// user later (a merchant's SearchAd API key and secret key), so that a copy of
// the database alone reveals none of them.
//
// A sealed value is text: "v1:<key id>:<base64 of nonce ‖ AES-256-GCM
// ciphertext>". The key id (the first 8 hex digits of SHA-256 of the key)
// names the key that sealed it, so that a key can be rotated: a Box holds the
// current key and any older ones, seals with the current one and opens with
// whichever the value names. The key never leaves the Box; nothing here logs.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is AES-256's key length.
const KeySize = 32

const version = "v1"

// ErrNoKey is a sealed value whose key this Box does not hold.
var ErrNoKey = errors.New("secretbox: the value was sealed with a key this instance does not have")

// ErrCorrupt is a sealed value that is not one, or that was altered.
var ErrCorrupt = errors.New("secretbox: the value is damaged or was not sealed here")

type key struct {
	id   string
	aead cipher.AEAD
}

// Box seals and opens values with its keys.
type Box struct {
	current key
	older   map[string]key
}

// New makes a Box that seals with current and opens values sealed with it
// or with any of older (keys being rotated out).
func New(current []byte, older ...[]byte) (*Box, error) {
	k, err := newKey(current)
	if err != nil {
		return nil, err
	}
	b := &Box{current: k, older: map[string]key{}}
	for _, raw := range older {
		o, err := newKey(raw)
		if err != nil {
			return nil, err
		}
		b.older[o.id] = o
	}
	return b, nil
}

func newKey(raw []byte) (key, error) {
	if len(raw) != KeySize {
		return key{}, fmt.Errorf("secretbox: a key is %d bytes, not %d", KeySize, len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return key{}, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return key{}, fmt.Errorf("secretbox: %w", err)
	}
	return key{id: KeyID(raw), aead: aead}, nil
}

// KeyID names a key without revealing it: the first 8 hex digits of its
// SHA-256.
func KeyID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:4])
}

// KeyID is the id of the key the Box seals with.
func (b *Box) KeyID() string { return b.current.id }

// Seal encrypts plain; context binds the value to where it is stored (e.g.
// "searchad_link:42:secret_key"), so that a sealed value copied into another
// row or column does not open there.
func (b *Box) Seal(plain, context string) (string, error) {
	nonce := make([]byte, b.current.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secretbox: nonce: %w", err)
	}
	out := b.current.aead.Seal(nonce, nonce, []byte(plain), []byte(context))
	return version + ":" + b.current.id + ":" + base64.StdEncoding.EncodeToString(out), nil
}

// Open decrypts a value Seal made with the same context.
func (b *Box) Open(sealed, context string) (string, error) {
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != version {
		return "", ErrCorrupt
	}
	k := b.current
	if parts[1] != k.id {
		var ok bool
		if k, ok = b.older[parts[1]]; !ok {
			return "", ErrNoKey
		}
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) < k.aead.NonceSize() {
		return "", ErrCorrupt
	}
	n := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, raw[:n], raw[n:], []byte(context))
	if err != nil {
		return "", ErrCorrupt
	}
	return string(plain), nil
}

// NeedsRotation reports whether sealed was made with an older key.
func (b *Box) NeedsRotation(sealed string) bool {
	parts := strings.SplitN(sealed, ":", 3)
	return len(parts) == 3 && parts[1] != b.current.id
}

// ParseKey reads a key as `openssl rand -base64 32` prints it: 32 bytes in
// standard base64, surrounding white space ignored.
func ParseKey(text string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, fmt.Errorf("the key is not standard base64 (make one with `openssl rand -base64 32`)")
	}
	if len(raw) != KeySize {
		return nil, fmt.Errorf("the key is %d bytes; it must be %d (make one with `openssl rand -base64 32`)", len(raw), KeySize)
	}
	return raw, nil
}

// GeneratedKeyFile is the file a development instance keeps its generated
// key in, inside its data directory.
const GeneratedKeyFile = "secret.key"

// LoadOrCreateKeyFile reads the key in path, or, when there is no such file,
// makes a random one and writes it there readable by its owner only.
// created tells the caller to say so (without the key).
func LoadOrCreateKeyFile(path string) (raw []byte, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		raw, err := ParseKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		return raw, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	raw = make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return nil, false, fmt.Errorf("make a key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, false, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	// O_EXCL: two instances starting at once must not each write their own.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateKeyFile(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("create %s: %w", path, err)
	}
	_, werr := f.WriteString(base64.StdEncoding.EncodeToString(raw) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, false, fmt.Errorf("write %s: %w", path, werr)
	}
	return raw, true, nil
}
