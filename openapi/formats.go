package openapi

import (
	"errors"
	"time"
)

// checkDate accepts what openapi_types.Date decodes: YYYY-MM-DD, a real day.
func checkDate(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return errors.New("not a date of the form YYYY-MM-DD")
	}
	return nil
}

// checkDateTime accepts what time.Time decodes: RFC 3339 with an offset or Z.
// The common shapes are recognised without building a time.Time (which,
// for an offset other than Z, allocates a zone: three allocations per
// timestamp of a statement); anything else goes to time.Parse, which
// decides. plainDateTime accepts nothing time.Parse rejects
// (TestPlainDateTime_agreesWithTimeParse, FuzzPlainDateTime).
func checkDateTime(s string) error {
	if plainDateTime(s) {
		return nil
	}
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return errors.New("not an RFC 3339 date-time with a Z or ±hh:mm offset")
	}
	return nil
}

// plainDateTime reports whether s is YYYY-MM-DDTHH:MM:SS followed by Z or
// ±hh:mm, every field in range and the day real: the shape time.Parse's
// RFC 3339 fast path accepts, without fractional seconds.
func plainDateTime(s string) bool {
	switch {
	case len(s) == 20 && s[19] == 'Z':
	case len(s) == 25 && (s[19] == '+' || s[19] == '-') && s[22] == ':':
		if !inRange(s[20:22], 0, 23) || !inRange(s[23:25], 0, 59) {
			return false
		}
	default:
		return false
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	year, ok := number(s[0:4])
	if !ok || !inRange(s[5:7], 1, 12) {
		return false
	}
	month, _ := number(s[5:7])
	days := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return inRange(s[8:10], 1, days) && inRange(s[11:13], 0, 23) && inRange(s[14:16], 0, 59) && inRange(s[17:19], 0, 59)
}

// number reads decimal digits only.
func number(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func inRange(s string, lo, hi int) bool {
	n, ok := number(s)
	return ok && lo <= n && n <= hi
}
