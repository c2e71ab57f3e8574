package webhook

import (
	"encoding/json"
	"fmt"
	"time"
)

// eventStatuses is the resource status each event type comes with, as a
// vendor source shows it. No source shows the data of
// DIGILOCKER_VERIFICATION_CONSENT_EXPIRED or _FAILURE: they have none
// (openapi/SOURCES.md, Webhooks).
var eventStatuses = map[EventType]string{
	DigiLockerVerificationSuccess:       "AUTHENTICATED",
	DigiLockerVerificationLinkExpired:   "EXPIRED",
	DigiLockerVerificationConsentDenied: "CONSENT_DENIED",
	ConsentVerificationSuccess:          "SUCCESS",
	ConsentVerificationPaused:           "PAUSED",
	ConsentVerificationRevoked:          "REVOKED",
	ConsentVerificationRejected:         "REJECTED",
	ConsentVerificationExpired:          "EXPIRED",
	FIVerificationSuccess:               "SUCCESS",
	FIVerificationActive:                "ACTIVE",
	FIVerificationFailed:                "FAILED",
	FIVerificationExpired:               "EXPIRED",
}

// Status returns the resource status an event type comes with as a source
// shows it: "" for an undocumented type, and for the two DigiLocker events
// whose data no source shows.
func (t EventType) Status() string { return eventStatuses[t] }

// ConsentValidity is how long a DigiLocker user's document consent holds:
// DIGILOCKER_VERIFICATION_CONSENT_EXPIRED comes an hour after it was given
// (the vendor's DigiLocker webhooks page).
const ConsentValidity = time.Hour

// EventTimeText writes at as the vendor's samples of t's resource do:
// RFC 3339 for DigiLocker events (`2006-01-02T15:04:05Z`), `YYYY-MM-DD
// hh:mm:ss` in UTC for Account Aggregator events, so that a receiver tested
// with them meets both forms.
func EventTimeText(t EventType, at time.Time) string {
	if t.Resource() == ResourceDigiLocker {
		return at.UTC().Format(time.RFC3339)
	}
	return at.UTC().Format(time.DateTime)
}

// SampleEvent returns a body of event type t about the resource id, as
// Cashfree would send it at time at: for testing a receiver (cfverify
// webhook send). The DigiLocker user is the vendor's own sample person.
func SampleEvent(t EventType, id string, at time.Time) ([]byte, error) {
	if !t.Known() {
		return nil, fmt.Errorf("webhook: unknown event type %q", t)
	}
	if id == "" {
		return nil, fmt.Errorf("webhook: SampleEvent needs an id")
	}
	status := t.Status()
	var data any
	switch t.Resource() {
	case ResourceDigiLocker:
		if status == "" {
			// No source shows this event's data: only the id it is about.
			data = map[string]any{"verification_id": id}
			break
		}
		dl := map[string]any{
			"user_details": map[string]any{}, "status": status, "document_requested": []string{"AADHAAR", "PAN"},
			"document_consent": nil, "verification_id": id,
		}
		if status == "AUTHENTICATED" {
			dl["user_details"] = map[string]string{"name": "John Doe", "dob": "02-02-1995", "gender": "M", "eaadhaar": "Y", "mobile": "9999999999"}
			dl["document_consent"] = []string{"AADHAAR", "PAN"}
			dl["document_consent_validity"] = at.Add(ConsentValidity).UTC().Format(time.RFC3339)
		}
		data = dl
	case ResourceConsent:
		data = map[string]string{"status": status, "consent_verification_id": id}
	default:
		data = map[string]string{"status": status, "fi_verification_id": id}
	}
	return json.Marshal(map[string]any{
		"event_type": t,
		"event_time": EventTimeText(t, at),
		"version":    "v1",
		"data":       data,
	})
}
