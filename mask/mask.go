// Package mask hides personal data (Aadhaar, PAN, mobile, email, bank
// account, name, address, date of birth, photo) and secrets in log lines and
// error messages: PII works on free text by pattern, Field also knows field
// names, NewHandler applies both to every slog record. It has no
// dependencies beyond the standard library, so code that only masks need not
// import the HTTP client.
package mask

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"unicode"
)

// Replacements for values masked or redacted as a whole.
const (
	redactedSecret = "[REDACTED]"
	maskedValue    = "****"
)

var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	panRE   = regexp.MustCompile(`\b[A-Za-z]{5}[0-9]{4}[A-Za-z]\b`)
	// Aadhaar numbers written in groups: 1234 5678 9012, 1234-5678-9012.
	groupedAadhaarRE = regexp.MustCompile(`\b[0-9]{4}[ -][0-9]{4}[ -][0-9]{4}\b`)
	dateDMYRE        = regexp.MustCompile(`\b[0-9]{2}[-/.][0-9]{2}[-/.][0-9]{4}\b`)
	dateYMDRE        = regexp.MustCompile(`\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b`)
	// Runs of 8 or more digits: mobile numbers (with or without +91),
	// Aadhaar, bank accounts.
	longDigitsRE = regexp.MustCompile(`[0-9]{8,}`)
	// Numbers written in groups of digits with single spaces or hyphens,
	// such as a mobile as "+91 98765 43210" or "98765-43210", or an account
	// as "0011 2233 4455": masked when the groups add up to 10 digits or more.
	groupedDigitsRE = regexp.MustCompile(`(?:\+?91[ -]?)?\b[0-9]{2,6}(?:[ -][0-9]{2,6}){1,5}\b`)
	// A bearer token or a base64 blob (signature, photo) in free text.
	bearerRE = regexp.MustCompile(`(?i)\bbearer\s+[^\s"',;]+`)
	blobRE   = regexp.MustCompile(`[A-Za-z0-9+/]{40,}={0,2}`)
)

// PII masks personal data it recognises in free text: email addresses
// (j***@example.com), PANs (XXXXXX234F), grouped Aadhaar numbers, dates
// (XX-XX-XXXX), runs of 8 or more digits such as mobile, Aadhaar and bank
// account numbers (XXXXXX3210), numbers of 10 digits or more written in
// groups (+XX XXXXX X3210), bearer tokens and long base64 blobs. Names
// and addresses cannot be told from other words in free text: Field and
// NewHandler mask them by field name.
func PII(s string) string {
	if s == "" {
		return s
	}
	s = bearerRE.ReplaceAllString(s, "Bearer "+redactedSecret)
	s = blobRE.ReplaceAllString(s, redactedSecret)
	s = emailRE.ReplaceAllStringFunc(s, maskEmail)
	s = panRE.ReplaceAllStringFunc(s, keepLast4)
	s = groupedAadhaarRE.ReplaceAllStringFunc(s, keepLast4)
	s = dateDMYRE.ReplaceAllStringFunc(s, maskDigits)
	s = dateYMDRE.ReplaceAllStringFunc(s, maskDigits)
	s = groupedDigitsRE.ReplaceAllStringFunc(s, maskGroupedDigits)
	s = longDigitsRE.ReplaceAllStringFunc(s, keepLast4)
	return s
}

// maskGroupedDigits masks a number written in groups, keeping its last
// four digits, if it has 10 digits or more (a mobile, an account); shorter
// groups (times, amounts, counts) stay as they are.
func maskGroupedDigits(s string) string {
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	if digits < 10 {
		return s
	}
	return keepLast4(s)
}

// maskEmail keeps the first character of the local part and the domain.
func maskEmail(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return maskedValue
	}
	return addr[:1] + "***" + addr[at:]
}

// keepLast4 replaces every letter and digit but the last four with X.
func keepLast4(s string) string {
	alnum := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			alnum++
		}
	}
	var b strings.Builder
	seen := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			seen++
			if alnum <= 4 || seen <= alnum-4 {
				b.WriteByte('X')
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// maskDigits replaces every digit with X.
func maskDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return 'X'
		}
		return r
	}, s)
}

type fieldClass int

const (
	fieldPlain    fieldClass = iota
	fieldSecret              // redacted as a whole
	fieldNumber              // masked but for the last four characters
	fieldEmail               // first character and domain kept
	fieldPersonal            // masked as a whole
)

// Words in a field name that make its value secret or personal. A field
// name is split on non-alphanumerics and camel case: "x-client-secret",
// "name_at_bank", "photoLink".
var (
	secretWords = map[string]bool{
		"secret": true, "token": true, "authorization": true, "signature": true, "password": true,
		"passwd": true, "credential": true, "credentials": true, "cookie": true, "key": true, "bearer": true,
	}
	numberWords = map[string]bool{
		"mobile": true, "phone": true, "landline": true, "aadhaar": true, "pan": true, "account": true,
		"acc": true, "identifier": true, "value": true, "micr": true,
	}
	emailWords    = map[string]bool{"email": true, "mail": true}
	personalWords = map[string]bool{
		"name": true, "address": true, "dob": true, "birth": true, "photo": true, "care": true,
		"careof": true, "house": true, "street": true, "landmark": true, "pincode": true, "po": true,
		"vtc": true, "dist": true, "subdist": true, "narration": true, "holder": true, "nominee": true,
	}
)

// fieldWords splits a field name into lower-case words.
func fieldWords(key string) []string {
	var words []string
	var cur strings.Builder
	prevLower := false
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, strings.ToLower(cur.String()))
			cur.Reset()
		}
	}
	for _, r := range key {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			flush()
		}
		cur.WriteRune(r)
		prevLower = unicode.IsLower(r)
	}
	flush()
	return words
}

func classify(key string) fieldClass {
	class := fieldPlain
	for _, w := range fieldWords(key) {
		switch {
		case secretWords[w]:
			return fieldSecret
		case emailWords[w]:
			class = max(class, fieldEmail)
		case personalWords[w]:
			class = max(class, fieldPersonal)
		case numberWords[w]:
			if class == fieldPlain {
				class = fieldNumber
			}
		}
	}
	return class
}

// Field masks value according to the name of the field holding it:
// secrets (client_secret, token, authorization, signature, key, …) are
// redacted whole; numbers (mobile, aadhaar, pan, bank_account, …) keep
// their last four characters; emails keep their first character and domain;
// personal fields (name, address, dob, photo, …) are masked whole; any other
// field goes through PII.
func Field(key, value string) string {
	if value == "" {
		return value
	}
	switch classify(key) {
	case fieldSecret:
		return redactedSecret
	case fieldNumber:
		return keepLast4(value)
	case fieldEmail:
		return emailRE.ReplaceAllStringFunc(value, maskEmail)
	case fieldPersonal:
		return maskedValue
	}
	return PII(value)
}

// NewHandler wraps h so that every record it handles has its
// message passed through PII and every attribute masked: string values
// by Field (by key), errors and other values by PII on their text,
// groups recursively. The request_id and api_version attributes are left as
// they are (an api_version is a date, but not anyone's birth date). The Client
// wraps the logger of WithLogger in it; use it for your own loggers too.
func NewHandler(h slog.Handler) slog.Handler {
	if r, ok := h.(redactingHandler); ok {
		return r
	}
	return redactingHandler{next: h}
}

type redactingHandler struct{ next slog.Handler }

func (r redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return r.next.Enabled(ctx, level)
}

func (r redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, PII(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.next.Handle(ctx, out)
}

func (r redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = redactAttr(a)
	}
	return redactingHandler{next: r.next.WithAttrs(masked)}
}

func (r redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{next: r.next.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch class := classify(a.Key); {
	case v.Kind() == slog.KindGroup:
		attrs := v.Group()
		masked := make([]slog.Attr, len(attrs))
		for i, ga := range attrs {
			if class == fieldSecret {
				masked[i] = slog.String(ga.Key, redactedSecret)
				continue
			}
			masked[i] = redactAttr(ga)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(masked...)}
	case a.Key == "request_id", a.Key == "api_version": // not personal: the id Cashfree gives, the x-api-version date
		return slog.Attr{Key: a.Key, Value: v}
	case class == fieldSecret:
		return slog.String(a.Key, redactedSecret)
	case v.Kind() == slog.KindString:
		return slog.String(a.Key, Field(a.Key, v.String()))
	case v.Kind() == slog.KindAny:
		text := fmt.Sprint(v.Any())
		if err, ok := v.Any().(error); ok {
			text = err.Error()
		}
		return slog.String(a.Key, Field(a.Key, text))
	case class != fieldPlain:
		return slog.String(a.Key, Field(a.Key, v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
