//go:build tools

package verificationapi

import _ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
