package contractcheck

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodedBody(t *testing.T) {
	t.Parallel()
	plain := []byte(validDigiLocker)
	var z, raw bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, err := zw.Write(plain)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	fw, err := flate.NewWriter(&raw, flate.DefaultCompression)
	require.NoError(t, err)
	_, err = fw.Write(plain)
	require.NoError(t, err)
	require.NoError(t, fw.Close())

	for name, tc := range map[string]struct {
		coding string
		body   []byte
		want   []byte
		reason string
	}{
		"identity":        {"", plain, plain, ""},
		"gzip":            {"gzip", gzipped(t, plain), plain, ""},
		"deflate (zlib)":  {"deflate", z.Bytes(), plain, ""},
		"deflate (raw)":   {"deflate", raw.Bytes(), plain, ""},
		"brotli":          {"br", []byte{1, 2, 3}, nil, "encoded with br"},
		"corrupt gzip":    {"gzip", []byte("not gzip at all"), nil, "does not decode as gzip"},
		"empty with gzip": {"gzip", nil, nil, ""},
	} {
		got, reason := decodedBody(http.Header{"Content-Encoding": {tc.coding}}, tc.body)
		assert.Equal(t, string(tc.want), string(got), name)
		if tc.reason == "" {
			assert.Empty(t, reason, name)
		} else {
			assert.Contains(t, reason, tc.reason, name)
		}
	}
}
