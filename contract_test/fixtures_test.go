// Package contract_test holds the spec's own tests: fixtures from the seed
// pages, the vendor's examples and edge cases, validated against
// openapi/verification.yaml, decoded into the generated types and compared
// after a round trip; negative fixtures that must be rejected; and fuzz
// targets seeded from both.
package contract_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cfverify/cfverify/client/api"
	"github.com/cfverify/cfverify/openapi"
	"github.com/stretchr/testify/require"
)

// Sources of a fixture, as the index names them.
const (
	sourceSeed   = "seed"            // a body on one of the seed pages
	sourceVendor = "vendor-examples" // a body in ../shared/reference/vendor-examples.json
	sourceEdge   = "edge-case"       // written here to cover what the others do not
)

// fixture is one entry of testdata/index.json: a response body of an
// operation with a status.
type fixture struct {
	File          string   `json:"file"` // under testdata/: <operationId>/<status>_<name>.json
	Operation     string   `json:"operation"`
	Status        int      `json:"status"`
	Sources       []string `json:"sources"`
	VendorExample *int     `json:"vendor_example,omitempty"` // index in vendor-examples.json
	ExampleName   string   `json:"example_name,omitempty"`   // its name there
	Seed          string   `json:"seed,omitempty"`           // the seed page it comes from
	Note          string   `json:"note,omitempty"`
	// Recorded fixtures say when, with which API version and against what.
	RecordedAt      string `json:"recorded_at,omitempty"`
	APIVersion      string `json:"api_version,omitempty"`
	RecordedAgainst string `json:"recorded_against,omitempty"`
	// Drift is what openapi.Validator.Drift must report, as "kind path":
	// the properties the spec does not describe. The round trip leaves out
	// exactly these.
	Drift []string `json:"drift,omitempty"`

	body []byte
}

// negative is one entry of testdata/negative/index.json: a response the
// validator must reject, and where.
type negative struct {
	File        string   `json:"file"` // under testdata/negative/
	Operation   string   `json:"operation"`
	Status      int      `json:"status"`
	ContentType *string  `json:"content_type,omitempty"` // absent: application/json; "": no Content-Type
	Want        []string `json:"want"`                   // every violation, as "location path", sorted
	Decodes     bool     `json:"decodes,omitempty"`      // the generated type still decodes it, losslessly
	// StrictOnly: an unlisted value of a closed set. Every JSON Schema
	// validator rejects it; cfverify's validator reports it as drift, so
	// Want lists the violations of strict mode ("drift <path>").
	StrictOnly bool   `json:"strict_only,omitempty"`
	Note       string `json:"note"`

	body []byte
}

func (n negative) header() http.Header {
	ct := "application/json"
	if n.ContentType != nil {
		ct = *n.ContentType
	}
	if ct == "" {
		return http.Header{}
	}
	return http.Header{"Content-Type": {ct}}
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

var loadFixtures = sync.OnceValues(func() ([]fixture, error) {
	var index struct {
		Fixtures []fixture `json:"fixtures"`
	}
	if err := readJSON(filepath.Join("testdata", "index.json"), &index); err != nil {
		return nil, err
	}
	for i := range index.Fixtures {
		f := &index.Fixtures[i]
		b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(f.File)))
		if err != nil {
			return nil, err
		}
		f.body = b
	}
	return index.Fixtures, nil
})

var loadNegatives = sync.OnceValues(func() ([]negative, error) {
	var index struct {
		Negatives []negative `json:"negatives"`
	}
	if err := readJSON(filepath.Join("testdata", "negative", "index.json"), &index); err != nil {
		return nil, err
	}
	for i := range index.Negatives {
		n := &index.Negatives[i]
		b, err := os.ReadFile(filepath.Join("testdata", "negative", filepath.FromSlash(n.File)))
		if err != nil {
			return nil, err
		}
		n.body = b
	}
	return index.Negatives, nil
})

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func fixtures(t testing.TB) []fixture {
	t.Helper()
	fs, err := loadFixtures()
	require.NoError(t, err)
	require.NotEmpty(t, fs)
	return fs
}

func negatives(t testing.TB) []negative {
	t.Helper()
	ns, err := loadNegatives()
	require.NoError(t, err)
	require.NotEmpty(t, ns)
	return ns
}

func validator(t testing.TB) *openapi.Validator {
	t.Helper()
	v, err := openapi.DefaultValidator()
	require.NoError(t, err)
	return v
}

// operations maps each operationId to a new value of its success type.
var operations = map[string]func() any{
	"getDataAvailability":     func() any { return new(api.DataAvailability) },
	"getUserDetails":          func() any { return new(api.UserDetails) },
	"getDigiLockerStatus":     func() any { return new(api.DigiLockerStatus) },
	"getConsentStatus":        func() any { return new(api.ConsentStatus) },
	"getFinancialInformation": func() any { return new(api.FinancialInformation) },
}

// newTarget returns a pointer to the generated type a response of op with
// status decodes into: the operation's type for 200, api.Error otherwise.
func newTarget(t testing.TB, op string, status int) any {
	t.Helper()
	newOp, ok := operations[op]
	require.True(t, ok, "unknown operation %q", op)
	if status == http.StatusOK {
		return newOp()
	}
	return new(api.Error)
}
