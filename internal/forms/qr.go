package forms

import (
	"fmt"

	"rsc.io/qr"
)

// qrCode draws content as a QR code of the given side at (x, y), in vector
// rectangles (one per run of dark modules in a row), so it prints sharp at
// any resolution and adds no image to the PDF. Medium error correction
// survives a crumpled paper slip.
func (d *doc) qrCode(x, y, side float64, content string) error {
	code, err := qr.Encode(content, qr.M)
	if err != nil {
		return fmt.Errorf("encode QR code for %q: %w", content, err)
	}
	m := side / float64(code.Size)
	d.pdf.SetFillColor(0, 0, 0)
	for row := 0; row < code.Size; row++ {
		for col := 0; col < code.Size; {
			if !code.Black(col, row) {
				col++
				continue
			}
			start := col
			for col < code.Size && code.Black(col, row) {
				col++
			}
			d.pdf.Rect(x+float64(start)*m, y+float64(row)*m, float64(col-start)*m, m, "F")
		}
	}
	return nil
}
