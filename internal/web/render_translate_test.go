package web

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/i18n"
	"github.com/motcua/motcua/internal/user"
)

// TestTranslatedLabelsRenderTheSame: every page, in every language, renders byte for byte
// the same with its constant labels written in at load time as with t called at each
// request: with an anonymous page, with a signed-in official's (the menu and the bell),
// and the look-up with a verified result.
func TestTranslatedLabelsRenderTheSame(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	plain, err := loadPages(cat, false)
	if err != nil {
		t.Fatal(err)
	}
	translated, err := loadPages(cat, true)
	if err != nil {
		t.Fatal(err)
	}
	official := &user.User{FullName: "Lê Thị Tiếp & <Cán bộ>"}
	for lang, byName := range plain.byLang {
		for name, tmpl := range byName {
			for i, p := range []*page{
				{Lang: lang, Title: "Tra cứu"},
				{Lang: lang, Title: "Hồ sơ", User: official, Nav: []navItem{{"nav.home", "/"}, {"nav.dossiers", "/dossiers"}},
					Active: "nav.dossiers", Unread: 3, Flash: "Đã lưu \"x\" + 'y'", ErrorMsg: "Lỗi <b>", Form: map[string]string{"ma": "A&B"}},
				{Lang: lang, Form: map[string]string{"ma": "000.00.41.H29-260302-0001"}, Data: map[string]any{
					"Result": lookupShown{lookupView: lookupView{Code: "000.00.41.H29-260302-0001", State: "received",
						Verified: true, Applicant: "Nguyễn Thị Hương", Procedure: "Đăng ký khai sinh"}, FeeText: "8.000 đ"}}},
			} {
				var a, b bytes.Buffer
				errA := tmpl.ExecuteTemplate(&a, "layout", p)
				errB := translated.byLang[lang][name].ExecuteTemplate(&b, "layout", p)
				if a.String() != b.String() || fmt.Sprint(errA) != fmt.Sprint(errB) {
					t.Errorf("%s/%s, page %d: translated rendering differs\nerror %v / %v\n--- per request:\n%s\n--- at load:\n%s",
						lang, name, i, errA, errB, a.String(), b.String())
				}
			}
		}
	}
	content := translated.byLang["vi"]["portal_lookup"].Lookup("content").Tree.Root.String()
	if n := strings.Count(content, `{{t "`); n > 0 {
		t.Errorf("the look-up page still calls t for %d constant labels:\n%s", n, content)
	}
}
