package forms

import (
	"fmt"
	"io"
	"time"
)

// Form is what every printable form offers: a check of its input, the
// number and title it has in its regime, and the A4 PDF.
type Form interface {
	// Validate returns a *ValidationError listing every missing or
	// inconsistent field, or nil.
	Validate() error
	// Info resolves the regime (explicit, else from the form's reference
	// date) and returns the form's number and title in it.
	Info() (FormInfo, error)
	// WritePDF validates the input and writes the PDF. The same input
	// always gives the same bytes.
	WritePDF(w io.Writer) error
}

// drawer is the part each form implements for render.
type drawer interface {
	Validate() error
	Info() (FormInfo, error)
	// page returns the creation date written into the PDF (taken from the
	// input, so output is reproducible) and the orientation.
	page() (created time.Time, landscape bool)
	draw(d *doc) error
}

// render validates a form and writes its PDF.
func render(w io.Writer, f drawer) error {
	if err := f.Validate(); err != nil {
		return err
	}
	info, err := f.Info()
	if err != nil {
		return err
	}
	created, landscape := f.page()
	d, err := newDoc(info, landscape, created)
	if err != nil {
		return fmt.Errorf("start %s PDF: %w", info.Title, err)
	}
	if err := f.draw(d); err != nil {
		return fmt.Errorf("draw %s: %w", info.Title, err)
	}
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("draw %s: %w", info.Title, err)
	}
	return d.write(w)
}

// formInfo resolves the regime of a form and looks the form up in it.
func formInfo(explicit Regime, ref time.Time, k Kind) (FormInfo, error) {
	r, err := resolve(explicit, ref)
	if err != nil {
		return FormInfo{}, err
	}
	return r.Form(k)
}
