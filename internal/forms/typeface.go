package forms

import (
	"fmt"

	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/go-fonts/liberation/liberationserifitalic"
	"github.com/go-fonts/liberation/liberationserifregular"
	"golang.org/x/image/font/sfnt"
)

// fontFamily is the name the PDF gives the embedded typeface.
const fontFamily = "LiberationSerif"

// fontFile is one face of the typeface: the fpdf style letter and the TTF.
type fontFile struct {
	style string // "", "B", "I"
	ttf   []byte
}

// fontFiles returns the faces the forms use. Liberation Serif has the
// metrics of Times New Roman, which Decree 30/2020/NĐ-CP prescribes, and
// covers every Vietnamese letter (Ơ, Ư and U+1EA0–U+1EF9). The bytes are
// embedded in the liberation packages, loaded once per process and never
// written; each document parses them afresh, so no state is shared.
func fontFiles() []fontFile {
	return []fontFile{
		{"", liberationserifregular.TTF},
		{"B", liberationserifbold.TTF},
		{"I", liberationserifitalic.TTF},
	}
}

// typeface answers which characters every face can draw. One is built per
// document and passed around with it.
type typeface struct {
	faces []*sfnt.Font
	buf   sfnt.Buffer
	known map[rune]bool
}

func newTypeface() (*typeface, error) {
	t := &typeface{known: make(map[rune]bool)}
	for _, f := range fontFiles() {
		face, err := sfnt.Parse(f.ttf)
		if err != nil {
			return nil, fmt.Errorf("parse font %s%s: %w", fontFamily, f.style, err)
		}
		t.faces = append(t.faces, face)
	}
	return t, nil
}

// has reports whether every face has a glyph for r. Characters beyond the
// Basic Multilingual Plane are refused: fpdf's width table stops there.
func (t *typeface) has(r rune) bool {
	if ok, seen := t.known[r]; seen {
		return ok
	}
	ok := r < 0xFFFF
	for _, face := range t.faces {
		if !ok {
			break
		}
		g, err := face.GlyphIndex(&t.buf, r)
		ok = err == nil && g != 0
	}
	t.known[r] = ok
	return ok
}
