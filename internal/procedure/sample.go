package procedure

import _ "embed"

//go:embed data/sample-catalog.json
var sampleCatalog []byte

// SampleCatalog returns the embedded sample catalog (data/sample-catalog.json): typical
// commune-level procedures, clearly labelled sample data (see data/NOTICE), for the demo.
func SampleCatalog() ([]Row, error) { return Parse(JSON, sampleCatalog) }

// SampleCatalogJSON returns the raw sample file, for documentation and tests.
func SampleCatalogJSON() []byte { return append([]byte(nil), sampleCatalog...) }
