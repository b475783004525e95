package unit

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateJSONRoundTrip(t *testing.T) {
	type row struct {
		Due  Date `json:"due"`
		Zero Date `json:"zero"`
	}
	in := row{Due: NewDate(2026, time.March, 9)}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"due":"2026-03-09","zero":""}` {
		t.Fatalf("marshal = %s", b)
	}
	var out row
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Fatalf("round trip = %+v, want %+v", out, in)
	}
	if err := json.Unmarshal([]byte(`{"due":"2026-02-30"}`), &out); err == nil {
		t.Fatal("an impossible day was accepted")
	}
}
