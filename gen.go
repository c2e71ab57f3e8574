// Package cfverify is a Go client, OpenAPI document and contract-testing kit
// for the Cashfree Verification (Secure ID) API.
//
// The client lives in package client, the embedded spec and its validator in
// package openapi. This file holds the generator directive: `go generate ./...`
// regenerates client/api from openapi/verification.yaml.
package cfverify

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config openapi/oapi-codegen.yaml openapi/verification.yaml
