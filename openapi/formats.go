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
func checkDateTime(s string) error {
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return errors.New("not an RFC 3339 date-time with a Z or ±hh:mm offset")
	}
	return nil
}
