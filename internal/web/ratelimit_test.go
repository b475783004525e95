package web

import (
	"fmt"
	"testing"
	"time"
)

func TestAddressLimiter(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, vnZone)
	l := newAddressLimiter(3, 15*time.Minute, 15*time.Minute)
	for i := range 3 {
		if ok, _ := l.allow("a", t0.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	ok, until := l.allow("a", t0.Add(5*time.Second))
	if ok || !until.Equal(t0.Add(5*time.Second+15*time.Minute)) {
		t.Fatalf("fourth request: %v until %v", ok, until)
	}
	if ok, _ := l.allow("b", t0.Add(5*time.Second)); !ok {
		t.Fatal("another address refused")
	}
	if ok, _ := l.allow("a", until.Add(-time.Second)); ok {
		t.Fatal("allowed before the lock ended")
	}
	if ok, _ := l.allow("a", until); !ok {
		t.Fatal("refused after the lock ended")
	}
	// A window that has passed starts again.
	if ok, _ := l.allow("b", t0.Add(16*time.Minute)); !ok {
		t.Fatal("b refused in a new window")
	}
	// The table stays bounded.
	for i := range maxAddresses + 10 {
		l.allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256), t0)
	}
	if n := len(l.addrs); n > maxAddresses {
		t.Fatalf("%d addresses kept", n)
	}
}
