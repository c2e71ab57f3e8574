package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/cfverify/cfverify/verification"
)

// EventType is an event's event_type.
type EventType string

// The event types the vendor documents, by resource.
const (
	DigiLockerVerificationSuccess        EventType = "DIGILOCKER_VERIFICATION_SUCCESS"
	DigiLockerVerificationLinkExpired    EventType = "DIGILOCKER_VERIFICATION_LINK_EXPIRED"
	DigiLockerVerificationConsentDenied  EventType = "DIGILOCKER_VERIFICATION_CONSENT_DENIED"
	DigiLockerVerificationConsentExpired EventType = "DIGILOCKER_VERIFICATION_CONSENT_EXPIRED"
	DigiLockerVerificationFailure        EventType = "DIGILOCKER_VERIFICATION_FAILURE"

	ConsentVerificationSuccess  EventType = "AA_CONSENT_VERIFICATION_SUCCESS"
	ConsentVerificationPaused   EventType = "AA_CONSENT_VERIFICATION_PAUSED"
	ConsentVerificationRevoked  EventType = "AA_CONSENT_VERIFICATION_REVOKED"
	ConsentVerificationRejected EventType = "AA_CONSENT_VERIFICATION_REJECTED"
	ConsentVerificationExpired  EventType = "AA_CONSENT_VERIFICATION_EXPIRED"

	FIVerificationSuccess EventType = "AA_FI_VERIFICATION_SUCCESS"
	FIVerificationActive  EventType = "AA_FI_VERIFICATION_ACTIVE"
	FIVerificationFailed  EventType = "AA_FI_VERIFICATION_FAILED"
	FIVerificationExpired EventType = "AA_FI_VERIFICATION_EXPIRED"
)

// Resource names what an event is about.
type Resource string

// The three resources that send events.
const (
	ResourceDigiLocker Resource = "digilocker" // GET /digilocker
	ResourceConsent    Resource = "consent"    // GET /aa/consent
	ResourceFI         Resource = "fi"         // GET /aa/fi
)

var eventResources = map[EventType]Resource{
	DigiLockerVerificationSuccess:        ResourceDigiLocker,
	DigiLockerVerificationLinkExpired:    ResourceDigiLocker,
	DigiLockerVerificationConsentDenied:  ResourceDigiLocker,
	DigiLockerVerificationConsentExpired: ResourceDigiLocker,
	DigiLockerVerificationFailure:        ResourceDigiLocker,
	ConsentVerificationSuccess:           ResourceConsent,
	ConsentVerificationPaused:            ResourceConsent,
	ConsentVerificationRevoked:           ResourceConsent,
	ConsentVerificationRejected:          ResourceConsent,
	ConsentVerificationExpired:           ResourceConsent,
	FIVerificationSuccess:                ResourceFI,
	FIVerificationActive:                 ResourceFI,
	FIVerificationFailed:                 ResourceFI,
	FIVerificationExpired:                ResourceFI,
}

// EventTypes lists the documented event types, DigiLocker first, then
// consent, then financial information.
func EventTypes() []EventType {
	return []EventType{
		DigiLockerVerificationSuccess, DigiLockerVerificationLinkExpired, DigiLockerVerificationConsentDenied,
		DigiLockerVerificationConsentExpired, DigiLockerVerificationFailure,
		ConsentVerificationSuccess, ConsentVerificationPaused, ConsentVerificationRevoked,
		ConsentVerificationRejected, ConsentVerificationExpired,
		FIVerificationSuccess, FIVerificationActive, FIVerificationFailed, FIVerificationExpired,
	}
}

// Resource returns the resource an event type is about, "" for a type the
// vendor has not documented.
func (t EventType) Resource() Resource { return eventResources[t] }

// Known reports whether the vendor documents t.
func (t EventType) Known() bool { return eventResources[t] != "" }

// Event is one verified webhook delivery.
type Event struct {
	Type EventType
	// Time is event_time in UTC. The vendor sends it as RFC 3339 or as
	// `YYYY-MM-DD hh:mm:ss` (read as UTC); RawTime keeps the text.
	Time    time.Time
	RawTime string
	// Version is the payload version as sent ("v1" or "1.0"), "" if absent.
	Version string
	// Resource, ResourceID and Status say what changed: the verification,
	// consent or financial-information id and its new status. For an event
	// type the vendor has not documented they are empty; Data has the rest.
	// A DigiLocker event may come without a status (no source shows the
	// data of DIGILOCKER_VERIFICATION_CONSENT_EXPIRED or _FAILURE).
	Resource   Resource
	ResourceID string
	Status     string
	// Exactly one of these is set for a documented event type.
	DigiLocker *verification.DigiLockerStatus // the DigiLocker status answer
	Consent    *ConsentData
	FI         *FIData
	// Data is the event's data object exactly as received.
	Data json.RawMessage
	// Attempt is the x-webhook-attempt header (0 when absent or not a
	// number); the Handler sets it, Parse cannot.
	Attempt int
}

// ConsentData is the data of an AA_CONSENT_VERIFICATION_* event.
type ConsentData struct {
	ConsentVerificationID string                          `json:"consent_verification_id"`
	Status                verification.ConsentStatusValue `json:"status"`
}

// FIData is the data of an AA_FI_VERIFICATION_* event.
type FIData struct {
	FIVerificationID string                     `json:"fi_verification_id"`
	Status           verification.FIStatusValue `json:"status"`
}

// DedupeKey identifies the event for deduplication: the same event type
// for the same resource at the same event_time is the same event, however
// many times it is delivered and whatever the delivery's headers.
func (e *Event) DedupeKey() string {
	if e.ResourceID != "" {
		return string(e.Type) + "|" + string(e.Resource) + "|" + e.ResourceID + "|" + e.RawTime
	}
	return string(e.Type) + "|" + e.RawTime + "|" + string(e.Data)
}

// ErrMalformed is wrapped by every error of Parse: the body is not an
// event. A Handler answers it 400.
var ErrMalformed = errors.New("webhook: body is not an event")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

// The two event_time forms of the vendor's samples, as the spec's
// WebhookEventTime pattern has them.
var eventTimePattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})| [0-9]{2}:[0-9]{2}:[0-9]{2})$`)

// ParseEventTime reads an event_time in either of the vendor's forms.
func ParseEventTime(s string) (time.Time, error) {
	if !eventTimePattern.MatchString(s) {
		return time.Time{}, malformed("event_time is neither RFC 3339 nor YYYY-MM-DD hh:mm:ss")
	}
	layout := time.RFC3339Nano
	if s[10] == ' ' {
		layout = time.DateTime
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}, malformed("event_time is not a real date and time")
	}
	return t.UTC(), nil
}

// Parse reads a verified body into an Event. Call it only on a body
// Verify accepted. It needs a JSON object with a string event_type, an
// event_time in one of the two forms, an optional string version and an
// object data; for a documented event type, data must carry the resource's
// id and status. A status value the spec does not list yet is kept, not
// rejected. Errors wrap ErrMalformed and name the field.
func Parse(rawBody []byte) (*Event, error) {
	var env struct {
		EventType *string         `json:"event_type"`
		EventTime *string         `json:"event_time"`
		Version   *string         `json:"version"`
		Data      json.RawMessage `json:"data"`
	}
	dec := json.NewDecoder(bytes.NewReader(rawBody))
	if err := dec.Decode(&env); err != nil {
		return nil, malformed("not a JSON object with string event_type, event_time and version: %s", jsonProblem(err))
	}
	if len(bytes.TrimSpace(rawBody[dec.InputOffset():])) > 0 {
		return nil, malformed("data after the JSON object")
	}
	if !bytes.HasPrefix(bytes.TrimLeft(rawBody, " \t\r\n"), []byte("{")) {
		return nil, malformed("not a JSON object")
	}
	if env.EventType == nil || *env.EventType == "" {
		return nil, malformed("event_type is missing")
	}
	if env.EventTime == nil {
		return nil, malformed("event_time is missing")
	}
	when, err := ParseEventTime(*env.EventTime)
	if err != nil {
		return nil, err
	}
	data := bytes.TrimSpace(env.Data)
	if len(data) == 0 || data[0] != '{' {
		return nil, malformed("data is missing or not an object")
	}
	ev := &Event{
		Type:    EventType(*env.EventType),
		Time:    when,
		RawTime: *env.EventTime,
		Data:    append(json.RawMessage(nil), data...),
	}
	if env.Version != nil {
		ev.Version = *env.Version
	}
	ev.Resource = ev.Type.Resource()
	switch ev.Resource {
	case ResourceDigiLocker:
		var d verification.DigiLockerStatus
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, malformed("data is not a DigiLocker status: %s", jsonProblem(err))
		}
		if d.VerificationID == nil || *d.VerificationID == "" {
			return nil, malformed("data.verification_id is missing")
		}
		// No source shows the data of _CONSENT_EXPIRED or _FAILURE: a
		// status is taken when present, never required.
		ev.DigiLocker, ev.ResourceID = &d, *d.VerificationID
		if d.Status != nil {
			ev.Status = string(*d.Status)
		}
	case ResourceConsent:
		var d ConsentData
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, malformed("data is not a consent status: %s", jsonProblem(err))
		}
		if d.ConsentVerificationID == "" || d.Status == "" {
			return nil, malformed("data.consent_verification_id or data.status is missing")
		}
		ev.Consent, ev.ResourceID, ev.Status = &d, d.ConsentVerificationID, string(d.Status)
	case ResourceFI:
		var d FIData
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, malformed("data is not a financial-information status: %s", jsonProblem(err))
		}
		if d.FIVerificationID == "" || d.Status == "" {
			return nil, malformed("data.fi_verification_id or data.status is missing")
		}
		ev.FI, ev.ResourceID, ev.Status = &d, d.FIVerificationID, string(d.Status)
	}
	return ev, nil
}

// jsonProblem describes a decoding error without quoting the body: a
// field name and the expected type at most.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		if typeErr.Field != "" {
			return fmt.Sprintf("%s must be %s, not %s", typeErr.Field, typeErr.Type, typeErr.Value)
		}
		return fmt.Sprintf("must be %s, not %s", typeErr.Type, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("invalid JSON at byte %d", syntaxErr.Offset)
	default:
		return "invalid JSON"
	}
}
