package secretbox

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func TestSealOpen(t *testing.T) {
	box, err := New(testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal("s3cr3t-value", "link:1:secret")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "s3cr3t") || !strings.HasPrefix(sealed, "v1:"+box.KeyID()+":") {
		t.Fatalf("sealed value %q", sealed)
	}
	again, _ := box.Seal("s3cr3t-value", "link:1:secret")
	if again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	got, err := box.Open(sealed, "link:1:secret")
	if err != nil || got != "s3cr3t-value" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := box.Open(sealed, "link:2:secret"); err != ErrCorrupt {
		t.Fatalf("open in another context: %v, want ErrCorrupt", err)
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if tampered == sealed {
		tampered = sealed[:len(sealed)-2] + "BB"
	}
	if _, err := box.Open(tampered, "link:1:secret"); err != ErrCorrupt {
		t.Fatalf("open of an altered value: %v, want ErrCorrupt", err)
	}
}

func TestRotation(t *testing.T) {
	oldBox, _ := New(testKey(1))
	sealed, _ := oldBox.Seal("abc", "c")
	newBox, err := New(testKey(2), testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	if !newBox.NeedsRotation(sealed) {
		t.Fatal("a value of the old key does not need rotation")
	}
	if got, err := newBox.Open(sealed, "c"); err != nil || got != "abc" {
		t.Fatalf("open with the old key: %q, %v", got, err)
	}
	onlyNew, _ := New(testKey(2))
	if _, err := onlyNew.Open(sealed, "c"); err != ErrNoKey {
		t.Fatalf("open without the old key: %v, want ErrNoKey", err)
	}
}

func TestParseKey(t *testing.T) {
	good := base64.StdEncoding.EncodeToString(testKey(7))
	if raw, err := ParseKey(" " + good + "\n"); err != nil || !bytes.Equal(raw, testKey(7)) {
		t.Fatalf("ParseKey(good) = %v", err)
	}
	for _, bad := range []string{"", "not base64!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", GeneratedKeyFile)
	raw, created, err := LoadOrCreateKeyFile(path)
	if err != nil || !created || len(raw) != KeySize {
		t.Fatalf("first call: %d bytes, created %v, %v", len(raw), created, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	again, created, err := LoadOrCreateKeyFile(path)
	if err != nil || created || !bytes.Equal(again, raw) {
		t.Fatalf("second call: created %v, same %v, %v", created, bytes.Equal(again, raw), err)
	}
}
