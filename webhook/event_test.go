package webhook

import (
	"slices"
	"testing"
	"time"

	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/verification"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse_eachResource(t *testing.T) {
	t.Parallel()
	dl, err := Parse([]byte(`{"signature":"ignored","event_type":"DIGILOCKER_VERIFICATION_SUCCESS","event_time":"2006-01-02T15:04:05Z","version":"v1",
		"data":{"user_details":{"name":"John Doe","eaadhaar":"Y"},"status":"AUTHENTICATED","document_requested":["AADHAAR"],"document_consent":null,"verification_id":"ABC00123","reference_id":12345}}`))
	require.NoError(t, err)
	assert.Equal(t, DigiLockerVerificationSuccess, dl.Type)
	assert.Equal(t, ResourceDigiLocker, dl.Resource)
	assert.Equal(t, "ABC00123", dl.ResourceID)
	assert.Equal(t, "AUTHENTICATED", dl.Status)
	assert.Equal(t, time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC), dl.Time)
	assert.Equal(t, "v1", dl.Version)
	require.NotNil(t, dl.DigiLocker)
	assert.Equal(t, "John Doe", *dl.DigiLocker.UserDetails.Name)
	assert.Nil(t, dl.Consent)
	assert.Nil(t, dl.FI)

	cs, err := Parse(consentBody)
	require.NoError(t, err)
	assert.Equal(t, ResourceConsent, cs.Resource)
	assert.Equal(t, "a12bc34def56789", cs.ResourceID)
	require.NotNil(t, cs.Consent)
	assert.Equal(t, verification.ConsentSuccess, cs.Consent.Status)
	assert.Equal(t, time.Date(2024, 2, 15, 16, 53, 15, 0, time.UTC), cs.Time, "the space form is read as UTC")

	fi, err := Parse([]byte(`{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15T22:23:15+05:30","version":"1.0","data":{"status":"ACTIVE","fi_verification_id":"v1234567890abcdef","fi_status_response":[]}}`))
	require.NoError(t, err)
	assert.Equal(t, ResourceFI, fi.Resource)
	assert.Equal(t, verification.FIActive, fi.FI.Status)
	assert.Equal(t, "1.0", fi.Version)
	assert.Equal(t, time.Date(2024, 2, 15, 16, 53, 15, 0, time.UTC), fi.Time, "an offset is turned into UTC")
	assert.JSONEq(t, `{"status":"ACTIVE","fi_verification_id":"v1234567890abcdef","fi_status_response":[]}`, string(fi.Data))
}

func TestParse_toleratesWhatTheSpecMayGrow(t *testing.T) {
	t.Parallel()
	// A status the spec does not list yet, and an event type the vendor has
	// not documented, are events: rejecting them would make Cashfree retry
	// for ever.
	ev, err := Parse([]byte(`{"event_type":"AA_CONSENT_VERIFICATION_SUCCESS","event_time":"2024-02-15 16:53:15","data":{"status":"ARCHIVED","consent_verification_id":"c1"}}`))
	require.NoError(t, err)
	assert.Equal(t, "ARCHIVED", ev.Status)
	assert.False(t, ev.Consent.Status.Valid())

	ev, err = Parse([]byte(`{"event_type":"DIGILOCKER_DOCUMENT_FETCHED","event_time":"2024-02-15 16:53:15","data":{"anything":1}}`))
	require.NoError(t, err)
	assert.False(t, ev.Type.Known())
	assert.Equal(t, Resource(""), ev.Resource)
	assert.Empty(t, ev.ResourceID)
	assert.NotEmpty(t, ev.DedupeKey())
}

func TestParse_rejectsWhatIsNotAnEvent(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"empty":                   ``,
		"not JSON":                `event_type=AA_FI_VERIFICATION_ACTIVE`,
		"array":                   `[{"event_type":"AA_FI_VERIFICATION_ACTIVE"}]`,
		"null":                    `null`,
		"string":                  `"AA_FI_VERIFICATION_ACTIVE"`,
		"trailing data":           `{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15 16:53:15","data":{"status":"ACTIVE","fi_verification_id":"f"}} {}`,
		"trailing bracket":        `{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15 16:53:15","data":{"status":"ACTIVE","fi_verification_id":"f"}}]`,
		"no event_type":           `{"event_time":"2024-02-15 16:53:15","data":{"status":"ACTIVE","fi_verification_id":"f"}}`,
		"event_type number":       `{"event_type":7,"event_time":"2024-02-15 16:53:15","data":{}}`,
		"no event_time":           `{"event_type":"AA_FI_VERIFICATION_ACTIVE","data":{"status":"ACTIVE","fi_verification_id":"f"}}`,
		"event_time epoch":        `{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"1708015995","data":{"status":"ACTIVE","fi_verification_id":"f"}}`,
		"event_time impossible":   `{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-30 16:53:15","data":{"status":"ACTIVE","fi_verification_id":"f"}}`,
		"version number":          `{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15 16:53:15","version":1,"data":{"status":"ACTIVE","fi_verification_id":"f"}}`,
		"no data":                 `{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15 16:53:15"}`,
		"data null":               `{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15 16:53:15","data":null}`,
		"data string":             `{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15 16:53:15","data":"{}"}`,
		"fi id missing":           `{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15 16:53:15","data":{"status":"ACTIVE"}}`,
		"consent status missing":  `{"event_type":"AA_CONSENT_VERIFICATION_PAUSED","event_time":"2024-02-15 16:53:15","data":{"consent_verification_id":"c"}}`,
		"digilocker id missing":   `{"event_type":"DIGILOCKER_VERIFICATION_FAILURE","event_time":"2024-02-15 16:53:15","data":{"status":"PENDING"}}`,
		"digilocker status array": `{"event_type":"DIGILOCKER_VERIFICATION_FAILURE","event_time":"2024-02-15 16:53:15","data":{"status":["PENDING"],"verification_id":"v"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(body))
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
}

func TestParseEventTime_bothForms(t *testing.T) {
	t.Parallel()
	want := time.Date(2024, 2, 15, 16, 53, 15, 0, time.UTC)
	for _, s := range []string{"2024-02-15T16:53:15Z", "2024-02-15 16:53:15", "2024-02-15T22:23:15+05:30"} {
		got, err := ParseEventTime(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"2024-02-15T16:53:15", "2024-02-15 16:53:15Z", "15-02-2024 16:53:15", "2024-02-15"} {
		_, err := ParseEventTime(s)
		require.ErrorIs(t, err, ErrMalformed, s)
	}
}

func TestEventTypes_matchTheSpec(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Load()
	require.NoError(t, err)
	var fromSpec []string
	for _, name := range []string{"WebhookDigiLockerEvent", "WebhookConsentEvent", "WebhookFIEvent"} {
		s := doc.Components.Schemas[name]
		require.NotNil(t, s, name)
		for _, v := range s.Value.Properties["event_type"].Value.Enum {
			fromSpec = append(fromSpec, v.(string))
			assert.NotEmpty(t, EventType(v.(string)).Resource(), v)
		}
	}
	var ours []string
	for _, et := range EventTypes() {
		ours = append(ours, string(et))
	}
	slices.Sort(fromSpec)
	slices.Sort(ours)
	assert.Equal(t, fromSpec, ours)
	assert.Len(t, ours, 14)
}

func TestDedupeKey_ignoresDeliveryDetails(t *testing.T) {
	t.Parallel()
	a, err := Parse(consentBody)
	require.NoError(t, err)
	b, err := Parse([]byte(`{ "version":"v1", "event_time":"2024-02-15 16:53:15", "event_type":"AA_CONSENT_VERIFICATION_SUCCESS", "data":{"consent_verification_id":"a12bc34def56789","status":"SUCCESS"}, "signature":"x" }`))
	require.NoError(t, err)
	assert.Equal(t, a.DedupeKey(), b.DedupeKey(), "re-serialised body, same event")
	c, err := Parse([]byte(`{"event_type":"AA_CONSENT_VERIFICATION_REVOKED","event_time":"2024-02-15 16:53:15","data":{"consent_verification_id":"a12bc34def56789","status":"REVOKED"}}`))
	require.NoError(t, err)
	assert.NotEqual(t, a.DedupeKey(), c.DedupeKey())
}

func TestSampleEvent_everyTypeParsesAndValidates(t *testing.T) {
	t.Parallel()
	v, err := openapi.DefaultValidator()
	require.NoError(t, err)
	for _, et := range EventTypes() {
		body, err := SampleEvent(et, "id-1", fixedNow)
		require.NoError(t, err)
		require.NoError(t, v.ValidateWebhook(t.Context(), body), et)
		ev, err := Parse(body)
		require.NoError(t, err)
		assert.Equal(t, et, ev.Type)
		assert.Equal(t, "id-1", ev.ResourceID)
		assert.Equal(t, et.Status(), ev.Status)
		assert.Equal(t, fixedNow, ev.Time)
	}
	_, err = SampleEvent("NOPE", "id", fixedNow)
	require.Error(t, err)
	_, err = SampleEvent(FIVerificationActive, "", fixedNow)
	require.Error(t, err)
}

func TestEventTimeText_vendorFormPerResource(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 2, 15, 22, 23, 15, 0, time.FixedZone("IST", 5*3600+1800))
	assert.Equal(t, "2024-02-15T16:53:15Z", EventTimeText(DigiLockerVerificationFailure, at))
	assert.Equal(t, "2024-02-15 16:53:15", EventTimeText(FIVerificationActive, at))
	for _, et := range EventTypes() {
		got, err := ParseEventTime(EventTimeText(et, at))
		require.NoError(t, err)
		assert.True(t, got.Equal(at))
	}
}

func TestParse_digiLockerEventWithoutStatus(t *testing.T) {
	t.Parallel()
	// No source shows the data of these two events: a body with only the
	// id must be handled, not refused (a 400 would be retried for ever).
	for _, et := range []EventType{DigiLockerVerificationConsentExpired, DigiLockerVerificationFailure} {
		ev, err := Parse([]byte(`{"event_type":"` + string(et) + `","event_time":"2024-02-15T16:53:15Z","data":{"verification_id":"kyc-7"}}`))
		require.NoError(t, err, et)
		assert.Equal(t, "kyc-7", ev.ResourceID)
		assert.Empty(t, ev.Status)
		assert.Empty(t, et.Status(), "no status is invented for %s", et)
	}
	_, err := Parse([]byte(`{"event_type":"DIGILOCKER_VERIFICATION_SUCCESS","event_time":"2024-02-15T16:53:15Z","data":{"status":"AUTHENTICATED"}}`))
	require.ErrorContains(t, err, "data.verification_id is missing")
}
