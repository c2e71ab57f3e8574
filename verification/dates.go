package verification

import (
	"errors"
	"strings"
	"time"
)

// ParseDate parses a calendar date in either form the API sends:
// YYYY-MM-DD (FI data, the DOB scope, PAN last_updated_at) or DD-MM-YYYY
// (DigiLocker and Aadhaar dates of birth). The result is midnight UTC. The
// error never quotes the value, which is often a date of birth.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	layout := ""
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		layout = time.DateOnly
	case len(s) == 10 && s[2] == '-' && s[5] == '-':
		layout = "02-01-2006"
	}
	if layout != "" {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("cfverify: not a date in YYYY-MM-DD or DD-MM-YYYY form")
}
