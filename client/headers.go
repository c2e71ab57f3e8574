package client

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/cfverify/cfverify/internal/operation"
)

// The extra headers a call may carry (WithHeader), checked before anything
// is sent.

// protectedHeaders are set by the Client and cannot be set with WithHeader.
var protectedHeaders = map[string]bool{
	"X-Client-Id": true, "X-Client-Secret": true, "Authorization": true, "X-Cf-Signature": true,
	"X-Api-Version": true, "Content-Type": true, "Content-Length": true, "Host": true,
	"User-Agent": true, "Accept": true, // WithUserAgent sets the first; the client decodes only JSON
}

// validHeaderName reports whether name is an HTTP field name (RFC 9110
// token), which net/http would otherwise refuse only when sending.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// isHeaderControl reports a character a field value must not hold:
// controls other than tab (CR and LF would split the header), and DEL.
func isHeaderControl(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f }

// checkCallHeaders refuses a WithHeader name that is not an HTTP token or
// is one the client sets, and a value that would break the header block.
func checkCallHeaders(op operation.Operation, header http.Header) error {
	for name, values := range header {
		canonical := http.CanonicalHeaderKey(name)
		if !validHeaderName(name) {
			return &InputError{Operation: op.ID, Field: "header " + strconv.Quote(truncate(name, 64)), Rule: "name must be a non-empty HTTP token (letters, digits and !#$%&'*+-.^_`|~)"}
		}
		if protectedHeaders[canonical] {
			return &InputError{Operation: op.ID, Field: "header " + canonical, Rule: "is set by the client and cannot be overridden"}
		}
		for _, v := range values {
			if strings.IndexFunc(v, isHeaderControl) >= 0 {
				return &InputError{Operation: op.ID, Field: "header " + canonical, Rule: "value must be on one line, without control characters"}
			}
		}
	}
	return nil
}
