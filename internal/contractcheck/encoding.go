package contractcheck

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"strings"
)

// decodedBody undoes a response's Content-Encoding for validation (the
// client gets the bytes as sent). gzip and deflate are decoded; any other
// coding leaves the body unchecked, with the reason.
func decodedBody(h http.Header, body []byte) ([]byte, string) {
	coding := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding")))
	if coding == "" || coding == "identity" || len(body) == 0 {
		return body, ""
	}
	var r io.Reader
	var err error
	switch coding {
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(body))
	case "deflate": // zlib-wrapped by the standard, raw deflate in practice too
		if r, err = zlib.NewReader(bytes.NewReader(body)); err != nil {
			r, err = flate.NewReader(bytes.NewReader(body)), nil
		}
	default:
		return nil, "the body is encoded with " + coding + ", which the checker does not decode"
	}
	if err == nil {
		var out []byte
		if out, err = io.ReadAll(io.LimitReader(r, DefaultMaxResponseBytes+1)); err == nil {
			if len(out) > DefaultMaxResponseBytes {
				return nil, "the decoded body is over " + "64 MiB"
			}
			return out, ""
		}
	}
	return nil, "the body does not decode as " + coding + ": " + err.Error()
}
