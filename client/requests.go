package client

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cfverify/cfverify/client/api"
)

// The requests of the five operations, built directly: the same requests
// the generated builders (api.NewGet…Request) make, as
// TestRequests_matchGenerated checks for each operation, without what made
// those a quarter of a small call's CPU time (BenchmarkPerCallInMemory):
// parsing the base URL and then the joined URL again on every call, and
// styling each parameter through reflection. When the spec changes a
// parameter, regenerate and that test fails until these follow.

// newRequest makes a request for path (relative to server, which ends in a
// slash) with an already encoded query, and the header parameters every
// operation has.
func newRequest(method, server, path, query string, body []byte, apiVersion string, sig *string) (*http.Request, error) {
	u := server + path
	if query != "" {
		u += "?" + query
	}
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequest(method, u, bytes.NewReader(body))
	} else {
		req, err = http.NewRequest(method, u, nil)
	}
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header["Content-Type"] = []string{"application/json"}
	}
	req.Header["X-Api-Version"] = []string{apiVersion}
	if sig != nil {
		req.Header["X-Cf-Signature"] = []string{*sig}
	}
	return req, nil
}

// lookupQuery encodes a lookup as the query the status operations take:
// idName=… or refName=… (checkLookup has made sure there is exactly one).
func lookupQuery(l Lookup, idName, refName string) string {
	q := ""
	if l.VerificationID != "" {
		q = idName + "=" + url.QueryEscape(l.VerificationID)
	}
	if l.ReferenceID != 0 {
		if q != "" {
			q += "&"
		}
		q += refName + "=" + strconv.FormatInt(l.ReferenceID, 10)
	}
	return q
}

func newDataAvailabilityRequest(server, apiVersion string, sig *string, body api.DataAvailabilityRequest) (*http.Request, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return newRequest(http.MethodPost, server, "user/data-availability", "", data, apiVersion, sig)
}

func newUserDetailsRequest(server, apiVersion string) (*http.Request, error) {
	return newRequest(http.MethodGet, server, "oauth2/user-details", "", nil, apiVersion, nil)
}

func newDigiLockerStatusRequest(server, apiVersion string, sig *string, l Lookup) (*http.Request, error) {
	return newRequest(http.MethodGet, server, "digilocker", lookupQuery(l, "verification_id", "reference_id"), nil, apiVersion, sig)
}

func newConsentStatusRequest(server, apiVersion string, sig *string, l Lookup) (*http.Request, error) {
	return newRequest(http.MethodGet, server, "aa/consent", lookupQuery(l, "consent_verification_id", "consent_ref_id"), nil, apiVersion, sig)
}

func newFinancialInformationRequest(server, apiVersion string, sig *string, l Lookup) (*http.Request, error) {
	return newRequest(http.MethodGet, server, "aa/fi", lookupQuery(l, "fi_verification_id", "fi_ref_id"), nil, apiVersion, sig)
}
