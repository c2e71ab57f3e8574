package client

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckJSONText(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"invalid UTF-8":           "{\"verification_id\":\"ab\xff\"}",
		"invalid UTF-8 in a name": "{\"st\xc3atus\":1}",
		"lone surrogate":          `{"verification_id":"a\ud800b"}`,
		"duplicate name":          `{"status":"PENDING","status":"AUTHENTICATED"}`,
		"duplicate in other case": `{"status":"PENDING","STATUS":"AUTHENTICATED"}`,
		"duplicate escaped":       `{"status":"PENDING","st\u0061tus":"AUTHENTICATED"}`,
		"duplicate Kelvin sign":   `{"kind":1,"\u212Aind":2}`,
		"duplicate deep":          `{"a":[{"b":{"c":1,"c":2}}]}`,
		"duplicate among many":    `{"a1":1,"a2":1,"a3":1,"a4":1,"a5":1,"a6":1,"a7":1,"a8":1,"a9":1,"a10":1,"a11":1,"a12":1,"a13":1,"a14":1,"a15":1,"a16":1,"a17":1,"A3":1}`,
	}
	for name, body := range bad {
		assert.Error(t, checkJSONText([]byte(body)), name)
	}
	good := map[string]string{
		"plain":                    `{"status":"PENDING","verification_id":"v1","user_details":{}}`,
		"same name in two objects": `{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}`,
		"names as values":          `{"a":"a","b":["a","a"],"c":{"a":"a"}}`,
		"escaped replacement":      `{"a":"\ufffd","b":"` + "\uFFFD" + `"}`,
		"escapes":                  `{"url":"https:\/\/x","q":"say \"hi\"","n":"\u00e9"}`,
		"many distinct":            `{"a1":1,"a2":1,"a3":1,"a4":1,"a5":1,"a6":1,"a7":1,"a8":1,"a9":1,"a10":1,"a11":1,"a12":1,"a13":1,"a14":1,"a15":1,"a16":1,"a17":1,"a18":1}`,
		"unicode":                  `{"name":"आशा","नाम":"x"}`,
	}
	for name, body := range good {
		assert.NoError(t, checkJSONText([]byte(body)), name)
	}
}
