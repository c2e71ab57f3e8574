package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/openapi"
)

// peerCase is one response the cross-validator gate checks: a valid fixture
// or vendor example (accepted) or a negative fixture (rejected).
type peerCase struct {
	name, file  string
	vendor      bool // a vendor example, not a fixture
	operation   string
	status      int
	contentType string
	body        []byte
	accept      bool
}

// blindSpots reads tools/spec/peers/blind-spots.json: negative fixtures a
// validator cannot reject by design, each with the reason, in one place for
// every peer of the gate.
func blindSpots(t testing.TB, validator string) map[string]bool {
	t.Helper()
	var list struct {
		BlindSpots []struct {
			File       string   `json:"file"`
			Validators []string `json:"validators"`
		} `json:"blind_spots"`
	}
	require.NoError(t, readJSON(filepath.Join("..", "tools", "spec", "peers", "blind-spots.json"), &list))
	blind := map[string]bool{}
	for _, b := range list.BlindSpots {
		if slices.Contains(b.Validators, validator) {
			blind[b.File] = true
		}
	}
	return blind
}

// vendorExample is one entry of testdata/vendor-examples.json, the vendor's
// 55 example bodies as published.
type vendorExample struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Status int             `json:"status"`
	Name   string          `json:"name"`
	Body   json.RawMessage `json:"body"`
}

func vendorExamples(t testing.TB) []vendorExample {
	t.Helper()
	var examples []vendorExample
	require.NoError(t, readJSON(filepath.Join("..", "tools", "spec", "peers", "vendor-examples.json"), &examples))
	require.Len(t, examples, 55)
	return examples
}

func peerCases(t testing.TB, doc *openapi3.T) []peerCase {
	t.Helper()
	var cases []peerCase
	for _, f := range fixtures(t) {
		cases = append(cases, peerCase{name: f.File, operation: f.Operation, status: f.Status, contentType: "application/json", body: f.body, accept: true})
	}
	for i, e := range vendorExamples(t) {
		item := doc.Paths.Value(e.Path)
		require.NotNil(t, item, "vendor example %d: no path %s", i, e.Path)
		op := item.GetOperation(e.Method)
		require.NotNil(t, op, "vendor example %d: no %s %s", i, e.Method, e.Path)
		cases = append(cases, peerCase{name: fmt.Sprintf("vendor-examples.json[%d] %q", i, e.Name), vendor: true, operation: op.OperationID, status: e.Status, contentType: "application/json", body: e.Body, accept: true})
	}
	for _, n := range negatives(t) {
		ct := "application/json"
		if n.ContentType != nil {
			ct = *n.ContentType
		}
		cases = append(cases, peerCase{name: "negative/" + n.File, file: n.File, operation: n.Operation, status: n.Status, contentType: ct, body: n.body})
	}
	return cases
}

// TestPeerKinOpenAPI is kin-openapi's part of the cross-validator gate (make
// spec-peers): plain openapi3filter.ValidateResponse, without cfverify's
// layer (drift, duplicate names, its own date checks), must accept every
// valid fixture and vendor example and reject every negative fixture.
func TestPeerKinOpenAPI(t *testing.T) {
	doc, err := openapi.Load()
	require.NoError(t, err)
	routes := map[string]*routers.Route{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			routes[op.OperationID] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	check := func(c peerCase) error {
		route := routes[c.operation]
		if route.Operation.Responses.Status(c.status) == nil && route.Operation.Responses.Default() == nil {
			// kin-openapi lets 3xx through unchecked; a response validator must not.
			return fmt.Errorf("status %d is not documented", c.status)
		}
		header := http.Header{}
		if c.contentType != "" {
			header.Set("Content-Type", c.contentType)
		}
		req, _ := http.NewRequest(route.Method, "http://peer.invalid"+route.Path, nil)
		input := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: opts},
			Status:                 c.status,
			Header:                 header,
			Body:                   io.NopCloser(bytes.NewReader(c.body)),
			Options:                opts,
		}
		return openapi3filter.ValidateResponse(t.Context(), input)
	}

	blind := blindSpots(t, "kin-openapi")
	var validTotal, validAccepted, vendorTotal, vendorAccepted, negTotal, negRejected, blindAccepted int
	for _, c := range peerCases(t, doc) {
		err := check(c)
		switch {
		case c.accept:
			validTotal++
			if c.vendor {
				vendorTotal++
			}
			if assert.NoError(t, err, "valid case rejected: %s", c.name) {
				validAccepted++
				if c.vendor {
					vendorAccepted++
				}
			}
		case err != nil:
			negTotal++
			negRejected++
		case blind[c.file]:
			negTotal++
			blindAccepted++
		default:
			negTotal++
			t.Errorf("negative case accepted: %s", c.name)
		}
	}
	line := fmt.Sprintf("kin-openapi: valid accepted %d/%d (fixtures %d/%d, vendor examples %d/%d), invalid rejected %d/%d",
		validAccepted, validTotal, validAccepted-vendorAccepted, validTotal-vendorTotal, vendorAccepted, vendorTotal, negRejected, negTotal)
	if blindAccepted > 0 {
		line += fmt.Sprintf(" (%d accepted by design, see tools/spec/peers/blind-spots.json)", blindAccepted)
	}
	t.Log(line)
}
