package data

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's minimum (19 MiB, 2 passes), about 30 ms on a
// counter PC, so an offline login stays quick while a stolen database's
// hashes stay expensive to guess.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

var b64 = base64.RawStdEncoding

// HashPassword returns the password's argon2id hash in the PHC string
// format, which carries its own parameters and salt.
func HashPassword(password string) (string, error) {
	if len([]rune(password)) < 8 {
		return "", Errorf(EINVALID, "密码至少 8 位")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := idKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Password policy: long enough, not among the passwords people guess
// first (zxcvbn's dictionaries and patterns: 12345678, password, qwerty,
// dates, keyboard walks), and not built on the login name or what else is
// known of the person.
const (
	PasswordMin      = 8
	PasswordMax      = 128
	passwordMinScore = 2 // zxcvbn: more than about a million guesses
)

// PasswordRule is the policy as the forms state it.
const PasswordRule = "至少 8 位；不能是 12345678、password 这类常见密码或日期，不能只是用户名或姓名加数字"

// CheckNewPassword checks a password being set for login against the
// policy; personal are the person's name, mobile and the like, which make
// a password easy to guess too.
func CheckNewPassword(password, login string, personal ...string) error {
	n := len([]rune(password))
	switch {
	case n < PasswordMin:
		return Errorf(EINVALID, "密码至少 %d 位", PasswordMin)
	case n > PasswordMax:
		return Errorf(EINVALID, "密码最多 %d 位", PasswordMax)
	case strings.EqualFold(password, login):
		return Errorf(EINVALID, "密码不能与用户名相同")
	}
	if zxcvbn.PasswordStrength(password, append([]string{login}, personal...)).Score < passwordMinScore {
		return Errorf(EINVALID, "密码太容易被猜到（像 12345678、password、生日或姓名拼音），请换一个更长、更不规则的密码")
	}
	return nil
}

// CheckPassword reports whether password matches a hash from HashPassword.
// A malformed hash never matches. When too many checks wait their turn
// (HashWait) it says nothing, with an EBUSY error.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var (
		v       int
		m, t    uint32
		threads uint8
	)
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, nil
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &threads); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 16 || threads == 0 {
		return false, nil
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, nil
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, nil
	}
	got, err := idKey([]byte(password), salt, t, m, threads, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// hashing bounds the argon2 hashes computed at once to the cores: each
// takes its memory (19 MiB) for its whole run, so a morning's burst of
// logins waits its turn instead of taking gigabytes (250 at once took
// 4.8 GB of the server before).
var hashing = make(chan struct{}, runtime.NumCPU())

// HashWait is how long a password check waits for its turn: a burst of
// logins costs seconds, and past this one is told to try again instead of
// joining a queue that only grows.
var HashWait = 15 * time.Second

// idKey is argon2.IDKey within the bound.
func idKey(password, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) ([]byte, error) {
	wait := time.NewTimer(HashWait)
	defer wait.Stop()
	select {
	case hashing <- struct{}{}:
	case <-wait.C:
		return nil, Errorf(EBUSY, "登录的人较多，请稍等片刻再试")
	}
	defer func() { <-hashing }()
	return argon2.IDKey(password, salt, passes, memory, threads, keyLen), nil
}

// temporaryAlphabet leaves out what reads alike on paper (0 O o, 1 l I).
const temporaryAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// TemporaryPassword is a password an administrator hands to a clerk after
// adding the account or resetting it: 12 characters, about 70 bits, well
// past the policy of CheckNewPassword.
func TemporaryPassword() string {
	out := make([]byte, 0, 12)
	for b := make([]byte, 1); len(out) < cap(out); {
		rand.Read(b) // never fails
		// Only bytes below a whole multiple of the alphabet: no letter is likelier.
		if n := int(b[0]); n < len(temporaryAlphabet)*(256/len(temporaryAlphabet)) {
			out = append(out, temporaryAlphabet[n%len(temporaryAlphabet)])
		}
	}
	return string(out)
}
