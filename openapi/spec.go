// Package openapi embeds the cfverify OpenAPI document, the single source of
// truth for the Cashfree Verification API as this module models it, and hands
// out one loaded, validated copy of it to the client's tests, the contract
// checks, the mock server and downstream users.
//
// On top of the document: Validator checks requests and responses against it
// (every violation, each with its JSON path, whatever the host and base
// path), Validator.Drift lists what a response has that the spec does not
// (unknown properties, unlisted enum values), and ValidatingTransport does
// both for every call made through an http.Client.
//
// # What this package promises
//
// Load, MustLoad, NewValidator and Validator.Doc hand out the document as
// kin-openapi's model (*openapi3.T, from github.com/getkin/kin-openapi, a v0
// module), because that is the model the validation runs on and a reader of
// the spec wants all of it: paths, examples, extensions. Those types are part
// of this package's API as kin-openapi defines them: cfverify pins one
// kin-openapi version per release (go.mod) and names an upgrade that changes
// them in its change notes. Everything else here (Validator's methods,
// ValidationError, Violation, DriftFinding, ValidatingTransport) is
// cfverify's own and follows the module's compatibility promise, which make
// api-check enforces.
package openapi

import (
	"context"
	_ "embed"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// YAML is the OpenAPI document exactly as committed in verification.yaml.
//
//go:embed verification.yaml
var YAML []byte

var (
	loadOnce sync.Once
	loaded   *openapi3.T
	loadErr  error
)

// Load returns the parsed document, validated (examples included) on first use.
// Every caller shares the same *openapi3.T: treat it as read-only.
func Load() (*openapi3.T, error) {
	loadOnce.Do(func() {
		loaded, loadErr = parse(YAML)
	})
	return loaded, loadErr
}

// MustLoad is Load for package initialisation and tests: it panics if the
// embedded document is invalid, which a passing test suite rules out.
func MustLoad() *openapi3.T {
	doc, err := Load()
	if err != nil {
		panic(err)
	}
	return doc
}

// parse loads and validates a document; Load uses it on the embedded bytes.
func parse(data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse verification.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: validate verification.yaml: %w", err)
	}
	return doc, nil
}
