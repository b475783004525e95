package user

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/failure"
)

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("mật khẩu dài đủ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("hash format: %s", h)
	}
	if !CheckPassword(h, "mật khẩu dài đủ") || CheckPassword(h, "mat khau dai du") {
		t.Fatal("check")
	}
	h2, _ := HashPassword("mật khẩu dài đủ")
	if h == h2 {
		t.Fatal("salt not random")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$x$y$z$w", h[:len(h)-5] + "!!!!!", "$argon2id$v=18$m=1,t=1,p=1$YQ$YQ"} {
		if CheckPassword(bad, "x") {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := User{Email: "an@example.vn", FullName: "An", Phone: "0912345678", Lang: "vi"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]User{
		"email":     {Email: "An <an@example.vn>", FullName: "An", Lang: "vi"},
		"full_name": {Email: "an@example.vn", Lang: "vi"},
		"phone":     {Email: "an@example.vn", FullName: "An", Phone: "12345", Lang: "vi"},
		"lang":      {Email: "an@example.vn", FullName: "An", Lang: "fr"},
	}
	for field, u := range cases {
		fe := failure.Fields(u.Validate())
		if len(fe) != 1 || fe[0].Field != field {
			t.Errorf("%s: %v", field, fe)
		}
	}
	for pw, want := range map[string]bool{"ngắn": false, "1234567890": false, "một câu mật khẩu dài": true} {
		if got := ValidatePassword(pw) == nil; got != want {
			t.Errorf("ValidatePassword(%q) ok=%v, want %v", pw, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	u := User{Email: " AN@Example.VN ", FullName: "  Nguyễn   Văn An ", Phone: "091 234-5678"}
	u.Normalize()
	if u.Email != "an@example.vn" || u.FullName != "Nguyễn Văn An" || u.Phone != "0912345678" || u.Lang != LangVI {
		t.Fatalf("%+v", u)
	}
}
