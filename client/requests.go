package client

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/verification"
)

// The requests of the five operations, built directly from the operation
// table: the same requests the generated builders of the raw client make
// (TestRequests_matchGenerated checks each operation against them), without
// parsing the base URL on every call or styling each parameter through
// reflection.

// request is what one call sends beyond the operation's own fixed parts.
type request struct {
	query  string // encoded query, without "?"
	body   []byte // JSON body of a POST; nil for a GET
	bearer string // the user's access token, for Bearer operations
}

// newRequest makes the request of op (relative to server, which ends in a
// slash) with the header parameters every operation has.
func newRequest(op operation.Operation, server string, r request, apiVersion string, sig string) (*http.Request, error) {
	u := server + op.Path
	if r.query != "" {
		u += "?" + r.query
	}
	var req *http.Request
	var err error
	if r.body != nil {
		req, err = http.NewRequest(op.Method, u, bytes.NewReader(r.body))
	} else {
		req, err = http.NewRequest(op.Method, u, nil)
	}
	if err != nil {
		return nil, err
	}
	if r.body != nil {
		req.Header["Content-Type"] = []string{"application/json"}
	}
	req.Header["X-Api-Version"] = []string{apiVersion}
	if sig != "" {
		req.Header["X-Cf-Signature"] = []string{sig}
	}
	return req, nil
}

// lookupQuery encodes a lookup as the query of a status operation:
// IDParam=… or RefParam=… (checkLookup has made sure there is exactly one).
func lookupQuery(op operation.Operation, l Lookup) string {
	q := ""
	if l.VerificationID != "" {
		q = op.IDParam + "=" + url.QueryEscape(l.VerificationID)
	}
	if !l.ReferenceID.IsZero() {
		if q != "" {
			q += "&"
		}
		q += op.RefParam + "=" + strconv.FormatInt(lookupRef(l), 10)
	}
	return q
}

// lookupRef is the lookup's reference id as an integer, or 0 when it is
// not one (checkLookup rejects that).
func lookupRef(l Lookup) int64 {
	v, ok := l.ReferenceID.Int64()
	if !ok {
		return 0
	}
	return v
}

// dataAvailabilityBody is the JSON body of POST /user/data-availability,
// encoded as the generated builder encodes it.
func dataAvailabilityBody(r DataAvailabilityParams) ([]byte, error) {
	return json.Marshal(verification.DataAvailabilityRequest{
		VerificationID: r.VerificationID,
		User: []verification.UserIdentifier{{
			IdentifierType: verification.IdentifierTypeMOBILE, IdentifierValue: r.Mobile}},
	})
}
