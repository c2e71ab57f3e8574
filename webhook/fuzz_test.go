package webhook

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzVerify: no input panics; only a signature made with the secret over
// exactly this timestamp and body passes; errors never echo the secret or
// the signature.
func FuzzVerify(f *testing.F) {
	ts := Timestamp(fixedNow)
	f.Add(ts, Sign(testSecret, ts, consentBody), consentBody)
	f.Add("", "", []byte{})
	f.Add("9999999999999999999", "AAAA", []byte("{}"))
	f.Add("1746427759733", "07r5C3VMwsGYeldGOCYxe5zoHhIN1zLfa8O0U/yngHI=", []byte(`{"a":1}`))
	f.Add("-5", "====", []byte("\x00\xff"))
	v, err := NewVerifier([]string{testSecret}, WithClock(fixedClock), WithTolerance(0))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, timestamp, signature string, body []byte) {
		err := v.Verify(timestamp, signature, body)
		if err == nil {
			if signature != Sign(testSecret, timestamp, body) {
				t.Fatalf("accepted a signature that is not the HMAC of this timestamp and body")
			}
			return
		}
		if len(signature) > 3 && bytes.Contains([]byte(err.Error()), []byte(signature)) {
			t.Fatalf("error echoes the signature: %v", err)
		}
		if bytes.Contains([]byte(err.Error()), []byte(testSecret)) {
			t.Fatalf("error echoes the secret")
		}
	})
}

// FuzzParse: no body panics; an accepted body has a type, a time, and for a
// documented type, the resource's id (and but for DigiLocker, its status);
// a rejection wraps ErrMalformed.
func FuzzParse(f *testing.F) {
	f.Add(consentBody)
	f.Add([]byte(`{"event_type":"DIGILOCKER_VERIFICATION_SUCCESS","event_time":"2006-01-02T15:04:05Z","version":"v1","data":{"user_details":{},"status":"AUTHENTICATED","document_requested":null,"document_consent":null,"verification_id":"v","reference_id":"12"}}`))
	f.Add([]byte(`{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15 16:53:15","version":"1.0","data":{"status":"ACTIVE","fi_verification_id":"f"}}`))
	f.Add([]byte(`{"event_type":"X","event_time":"2024-02-15 16:53:15","data":{}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"event_type":"AA_FI_VERIFICATION_ACTIVE","event_time":"2024-02-15 16:53:15","data":{"status":"ACTIVE","fi_verification_id":"f"}}{`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := Parse(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("rejection does not wrap ErrMalformed: %v", err)
			}
			return
		}
		if ev.Type == "" || ev.Time.IsZero() || ev.DedupeKey() == "" {
			t.Fatalf("accepted an event without type or time: %+v", ev)
		}
		if ev.Type.Known() && ev.ResourceID == "" {
			t.Fatalf("accepted a %s event without an id", ev.Type)
		}
		// A DigiLocker event's status is optional: no source shows the data
		// of _CONSENT_EXPIRED or _FAILURE. Consent and FI events need one.
		if ev.Type.Known() && ev.Resource != ResourceDigiLocker && ev.Status == "" {
			t.Fatalf("accepted a %s event without a status", ev.Type)
		}
	})
}

// FuzzHandler: whatever the body and headers, the Handler answers one of
// its documented statuses and never panics, and only a correctly signed
// event reaches the function.
func FuzzHandler(f *testing.F) {
	ts := Timestamp(fixedNow)
	f.Add(consentBody, ts, Sign(testSecret, ts, consentBody), "application/json")
	f.Add([]byte("{}"), ts, Sign(testSecret, ts, []byte("{}")), "application/json; charset=utf-8")
	f.Add(consentBody, "abc", "abc", "text/plain")
	f.Add([]byte{}, "", "", "")
	calls := 0
	h, err := NewHandler(func(_ context.Context, _ *Event) error { calls++; return nil },
		WithSecrets(testSecret), WithClock(fixedClock), WithMaxBodyBytes(1<<12))
	if err != nil {
		f.Fatal(err)
	}
	allowed := map[int]bool{200: true, 400: true, 401: true, 413: true, 415: true}
	f.Fuzz(func(t *testing.T, body []byte, timestamp, signature, contentType string) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set(HeaderTimestamp, timestamp)
		req.Header.Set(HeaderSignature, signature)
		rec := httptest.NewRecorder()
		before := calls
		h.ServeHTTP(rec, req)
		if !allowed[rec.Code] {
			t.Fatalf("status %d", rec.Code)
		}
		if calls > before && signature != Sign(testSecret, timestamp, body) {
			t.Fatalf("a delivery without the right signature reached the function")
		}
	})
}
