package contractcheck

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteJUnit(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	results := []Result{
		{Time: at, Operation: "getDigiLockerStatus", Method: "GET", Path: "/verification/digilocker", Status: 200, LatencyMS: 12, Violations: []Finding{}, Drift: []Finding{}},
		{Time: at, Operation: "getConsentStatus", Method: "GET", Path: "/verification/aa/consent", Status: 200, LatencyMS: 3, Broke: true,
			Violations: []Finding{{Kind: "response", Location: "body", Path: "$.status", Message: `value is not one of the allowed values & <"x">`}},
			Drift:      []Finding{{Kind: "unknown-property", Location: "drift", Path: "$.extra", Message: "not in the spec"}}},
		{Time: at, Method: "GET", Path: "/static/app.js", Skipped: true},
		{Time: at, Operation: "getFinancialInformation", Method: "GET", Path: "/verification/aa/fi", LatencyMS: 1, ProxyFault: "cfverify proxy: the upstream did not answer"},
		{Time: at, Operation: "getDigiLockerStatus", Method: "GET", Path: "/verification/digilocker", Status: 200, Drift: []Finding{{Kind: "unknown-property", Location: "drift", Path: "$.new", Message: "not in the spec"}}},
	}
	var b bytes.Buffer
	require.NoError(t, WriteJUnit(&b, "cfverify proxy", results))
	assert.True(t, strings.HasPrefix(b.String(), "<?xml"))

	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suite    struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				Time      string `xml:"time,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Error *struct {
					Type string `xml:"type,attr"`
				} `xml:"error"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc), b.String())
	assert.Equal(t, 4, doc.Tests, "the skipped exchange is left out")
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 1, doc.Errors)
	assert.Equal(t, "cfverify proxy", doc.Suite.Name)
	require.Len(t, doc.Suite.Cases, 4)
	c := doc.Suite.Cases
	assert.Equal(t, "#1 GET /verification/digilocker -> 200", c[0].Name)
	assert.Equal(t, "cfverify.getDigiLockerStatus", c[0].Classname)
	assert.Equal(t, "0.012", c[0].Time)
	assert.Nil(t, c[0].Failure)
	require.NotNil(t, c[1].Failure)
	assert.Equal(t, "spec-violation", c[1].Failure.Type)
	assert.Contains(t, c[1].Failure.Message, "1 violation")
	assert.Contains(t, c[1].Failure.Text, `response body $.status: value is not one of the allowed values & <"x">`, "escaped and read back intact")
	assert.Contains(t, c[1].Failure.Text, "$.extra")
	require.NotNil(t, c[2].Error)
	assert.Equal(t, "proxy-fault", c[2].Error.Type)
	assert.Nil(t, c[3].Failure, "drift without --strict is not a failure")
	assert.Contains(t, c[3].SystemOut, "$.new")
}

func TestSummary(t *testing.T) {
	t.Parallel()
	results := []Result{
		{Operation: "getDigiLockerStatus", Violations: []Finding{{}, {}}, Broke: true},
		{Operation: "getDigiLockerStatus", Drift: []Finding{{}}},
		{Operation: "getConsentStatus", Unchecked: "no text"},
		{Skipped: true},
		{Operation: "getConsentStatus", ProxyFault: "down"},
	}
	all, ops := Summarize(results)
	assert.Equal(t, Totals{Exchanges: 3, Broke: 1, Violations: 2, Drift: 1, Skipped: 1, Faults: 1, Unchecked: 1}, all)
	require.Len(t, ops, 2)
	assert.Equal(t, "getConsentStatus", ops[0].Operation)
	assert.Equal(t, Totals{Exchanges: 2, Broke: 1, Violations: 2, Drift: 1}, ops[1].Totals)
	var b bytes.Buffer
	WriteSummary(&b, "cfverify proxy", results, true)
	assert.Contains(t, b.String(), "cfverify proxy: 3 exchanges checked, 1 broke the spec (strict: drift counts); 1 skipped (not in the spec), 1 proxy faults, 1 responses unchecked")
	assert.Regexp(t, `getDigiLockerStatus +2 +1 +2 +1\n`, b.String())
}
