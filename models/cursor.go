package models

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// EncodeCursor hides the keyset position behind an opaque token.
func EncodeCursor(lastID uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatUint(lastID, 10)))
}

// DecodeCursor reads a token from EncodeCursor; "" is the first page.
func DecodeCursor(cursor string) (uint64, error) {
	if cursor == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !strings.HasPrefix(string(raw), "id:") {
		return 0, Invalid("cursor", "is not a cursor this server gave out")
	}
	id, err := strconv.ParseUint(strings.TrimPrefix(string(raw), "id:"), 10, 64)
	if err != nil {
		return 0, Invalid("cursor", "is not a cursor this server gave out")
	}
	return id, nil
}
