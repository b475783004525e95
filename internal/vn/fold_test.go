package vn

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hà Nội", "ha noi"},
		{"Đồng Xuân", "dong xuan"},
		{"  Ủy   ban nhân dân  ", "uy ban nhan dan"},
		{"Phường Ngọc Hà", "phuong ngoc ha"},
		{"TRƯỜNG", "truong"},
		{"ỹ", "y"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLikePattern(t *testing.T) {
	if got := LikePattern("50%_Hà"); got != `%50\%\_ha%` {
		t.Errorf("LikePattern = %q", got)
	}
}

func FuzzFold(f *testing.F) {
	f.Add("Thành phố Hà Nội")
	f.Fuzz(func(t *testing.T, s string) {
		once := Fold(s)
		if Fold(once) != once {
			t.Errorf("Fold not idempotent on %q", s)
		}
	})
}
