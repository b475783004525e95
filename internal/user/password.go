package user

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/motcua/motcua/internal/failure"
)

// MinPasswordLength is the shortest password accepted. Long passphrases beat composition
// rules (NIST SP 800-63B), so only length and a few obvious choices are checked.
const MinPasswordLength = 10

// Argon2id parameters (RFC 9106 second recommendation, scaled for a small server).
type hashParams struct {
	memory  uint32
	time    uint32
	threads uint8
	keyLen  uint32
}

var defaultParams = hashParams{memory: 19 * 1024, time: 2, threads: 1, keyLen: 32}

// ValidatePassword checks a new password.
func ValidatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return failure.InvalidField("password", "user.password_too_short", MinPasswordLength)
	}
	if len(pw) > 1024 {
		return failure.InvalidField("password", "user.password_too_long")
	}
	lower := strings.ToLower(pw)
	for _, weak := range []string{"1234567890", "matkhau123", "password12", "qwertyuiop", "0123456789"} {
		if lower == weak {
			return failure.InvalidField("password", "user.password_common")
		}
	}
	return nil
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	return hashWith(pw, defaultParams)
}

func hashWith(pw string, p hashParams) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: read salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the stored hash, in constant time.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var p hashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// DummyCheck spends the same time as CheckPassword, so a sign-in for an unknown e-mail
// takes as long as one with a wrong password.
func DummyCheck(pw string) {
	CheckPassword(dummyHash, pw)
}

var dummyHash = func() string {
	h, err := hashWith("dummy-password-for-timing", defaultParams)
	if err != nil {
		return ""
	}
	return h
}()
