// Package cfverify is a Go client, OpenAPI document and contract-testing kit
// for the Cashfree Verification (Secure ID) API.
//
// The result types live in package verification, the client in package
// client, the embedded spec and its validator in package openapi. This file
// holds the generator directives: `go generate ./...` regenerates
// verification/types.gen.go, the raw client that tests use as an oracle
// (internal/rawclient) and the server interface the mock implements
// (internal/mockapi) from openapi/verification.yaml.
package cfverify

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config openapi/oapi-codegen.yaml openapi/verification.yaml
//go:generate go run ./tools/gendoc verification/types.gen.go
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config openapi/oapi-codegen-rawclient.yaml openapi/verification.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config openapi/oapi-codegen-mockapi.yaml openapi/verification.yaml
