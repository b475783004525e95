package forms

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDump writes every form to $FORMS_DUMP for looking at; skipped unless set.
func TestDump(t *testing.T) {
	dir := os.Getenv("FORMS_DUMP")
	if dir == "" {
		t.Skip("FORMS_DUMP not set")
	}
	for _, r := range regimes {
		for name, f := range everyForm(r) {
			out, err := os.Create(filepath.Join(dir, name+"-"+string(r)+".pdf"))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.WritePDF(out); err != nil {
				t.Errorf("%s %s: %v", name, r, err)
			}
			out.Close()
		}
	}
}
