package data

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPassword(t *testing.T) {
	h, err := HashPassword("柜台密码2026")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := CheckPassword(h, "柜台密码2026"); !ok || err != nil {
		t.Errorf("the right password was refused: %v", err)
	}
	h2, _ := HashPassword("柜台密码2026")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tc := range []struct{ hash, pw string }{
		{h, "柜台密码2025"},
		{h, ""},
		{"", "柜台密码2026"},
		{"$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "x"},
		{"plain", "plain"},
	} {
		if ok, _ := CheckPassword(tc.hash, tc.pw); ok {
			t.Errorf("CheckPassword(%q, %q) = true", tc.hash, tc.pw)
		}
	}
	if _, err := HashPassword("short"); ErrorCode(err) != EINVALID {
		t.Errorf("a 5-character password: %v, want EINVALID", err)
	}
}

// TestPasswordPolicy: the passwords people guess first are refused with a
// message saying why; the counter's are taken.
func TestPasswordPolicy(t *testing.T) {
	for _, tc := range []struct{ pw, login, says string }{
		{"12345678", "zhangwei", "太容易被猜到"},
		{"password", "zhangwei", "太容易被猜到"},
		{"qwertyui", "zhangwei", "太容易被猜到"},
		{"20261203", "zhangwei", "太容易被猜到"},
		{"zhangwei2026", "zhangwei", "太容易被猜到"},
		{"Zhangwei2", "zhangwei2", "不能与用户名相同"},
		{"短密码", "zhangwei", "至少 8 位"},
		{strings.Repeat("长", 129), "zhangwei", "最多 128 位"},
		{"柜台密码chen2026", "chen", ""},
		{"柜台密码li2026", "lizhi", ""},
		{"个人密码2026", "zhangwei", ""},
		{"titledesk2026", "dlxh", ""},
	} {
		err := CheckNewPassword(tc.pw, tc.login, "张伟")
		if tc.says == "" && err != nil || tc.says != "" && !strings.Contains(ErrorMessage(err), tc.says) {
			t.Errorf("%q for %s: %v, want %q", tc.pw, tc.login, err, tc.says)
		}
	}
}

// TestPasswordBurstBoundedMemory: 48 logins checked at once hash a few at
// a time, so the heap stays within a few hashes' memory, not 48 of them
// (19 MiB each: over 900 MB).
func TestPasswordBurstBoundedMemory(t *testing.T) {
	h, err := HashPassword("柜台密码2026")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var (
		wg   sync.WaitGroup
		peak atomic.Uint64
		done = make(chan struct{})
	)
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}
	}()
	for range 48 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := CheckPassword(h, "柜台密码2026"); !ok || err != nil {
				t.Errorf("the right password was refused: %v", err)
			}
		}()
	}
	wg.Wait()
	close(done)
	grew := peak.Load() - min(peak.Load(), base.HeapAlloc)
	t.Logf("48 logins at once: heap grew by at most %d MiB (%d cores)", grew>>20, runtime.NumCPU())
	if ceiling := uint64(runtime.NumCPU()) * 8 * argonMemory << 10; grew > ceiling {
		t.Errorf("the heap grew by %d MiB, over %d MiB", grew>>20, ceiling>>20)
	}
}

// BenchmarkPasswordBurst checks 48 logins at once per iteration, as a
// morning's rush at the portal does.
func BenchmarkPasswordBurst(b *testing.B) {
	h, _ := HashPassword("柜台密码2026")
	var checked atomic.Int64
	for b.Loop() {
		var wg sync.WaitGroup
		for range 48 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ok, _ := CheckPassword(h, "柜台密码2026"); ok {
					checked.Add(1)
				}
			}()
		}
		wg.Wait()
	}
	if checked.Load() != int64(b.N)*48 {
		b.Fatalf("checked %d passwords, want %d", checked.Load(), b.N*48)
	}
}

// TestPasswordCheckBusy: while every hashing slot stays taken past
// HashWait, a check is refused as busy, in Chinese, rather than joining an
// endless queue; once a slot frees, it is checked.
func TestPasswordCheckBusy(t *testing.T) {
	h, err := HashPassword("柜台密码2026")
	if err != nil {
		t.Fatal(err)
	}
	saved := HashWait
	HashWait = 50 * time.Millisecond
	defer func() { HashWait = saved }()
	for range cap(hashing) {
		hashing <- struct{}{}
	}
	ok, err := CheckPassword(h, "柜台密码2026")
	for range cap(hashing) {
		<-hashing
	}
	if ok || ErrorCode(err) != EBUSY || !strings.Contains(ErrorMessage(err), "稍等片刻再试") {
		t.Errorf("with every slot taken: %v %v", ok, err)
	}
	if ok, err := CheckPassword(h, "柜台密码2026"); !ok || err != nil {
		t.Errorf("once free: %v %v", ok, err)
	}
}
