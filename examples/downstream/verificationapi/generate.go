// Package verificationapi is this downstream module's own code generated from
// the cfverify spec: the types and a net/http server interface, for example
// to build a stub of the Cashfree Verification API.
package verificationapi

//go:generate go run ../internal/dumpspec verification.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml verification.yaml
