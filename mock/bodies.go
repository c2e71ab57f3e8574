package mock

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/cfverify/cfverify/openapi/wire"

	"github.com/cfverify/cfverify/verification"
)

// stageReply answers a status poll with the record's body at a stage. The
// body is a function of the record and the stage alone, so it is built and
// encoded once per stage and served from those bytes on every later poll
// of the stage (the self-check, keyed by bytes, then costs a lookup). Call
// with h.store.mu held: it guards the record.
func (h *Handler) stageReply(rec *record, stage int) reply {
	if c := rec.encoded; c != nil && c.stage == stage {
		return reply{status: http.StatusOK, raw: c.data}
	}
	body := statusKinds[rec.res].body(h, rec, stage)
	data, err := encode(reply{body: body})
	if err != nil {
		return reply{status: http.StatusOK, body: body} // write reports the error
	}
	rec.encoded = &stageBytes{stage: stage, data: data}
	return reply{status: http.StatusOK, raw: data}
}

func (h *Handler) digiLockerBody(rec *record, stage int) verification.DigiLockerStatus {
	path := rec.scenario.DigiLocker
	st := verification.DigiLockerStatusValue("")
	if len(path) > 0 {
		st = path[stage]
	}
	out := verification.DigiLockerStatus{
		VerificationID:    ptr(rec.id),
		ReferenceID:       refID(rec.ref),
		Status:            &st,
		DocumentRequested: []string{"AADHAAR", "PAN"},
		DocumentConsent:   []string{},
		UserDetails:       &verification.DigiLockerUserDetails{},
	}
	switch st {
	case verification.DigiLockerAuthenticated:
		eaadhaar := rec.scenario.EAadhaar
		if eaadhaar == "" {
			eaadhaar = "Y"
		}
		out.UserDetails = digiLockerUser(h.cfg.seed, rec.id, eaadhaar)
		out.DocumentConsent = []string{"AADHAAR", "PAN"}
		if eaadhaar == "N" {
			out.DocumentConsent = nil // the vendor's example: null
		}
	case verification.DigiLockerConsentDenied:
		out.DocumentConsent = nil
	}
	return out
}

func consentBody(seed uint64, rec *record, stage int) verification.ConsentStatus {
	path := rec.scenario.Consent
	st := verification.ConsentStatusValue("")
	if len(path) > 0 {
		st = path[stage]
	}
	start := rec.created.UTC().Truncate(time.Second)
	p := fakePerson(hashID(seed, "consent", rec.id))
	return verification.ConsentStatus{
		ConsentVerificationID: ptr(rec.id),
		ConsentRefID:          refID(rec.ref),
		ConsentRedirectURL:    ptr("https://example.com/cfverify-mock/aa/consent/" + strconv.FormatInt(rec.ref, 10)),
		Status:                &st,
		CustomerIdentifiers:   []verification.CustomerIdentifier{{Type: ptr("MOBILE"), Value: ptr(p.mobile)}},
		ConsentStart:          ptr(wire.NewTimestamp(start)),
		ConsentExpiry:         ptr(wire.NewTimestamp(start.AddDate(1, 0, 0))),
		FIFrom:                ptr(wire.NewTimestamp(start.AddDate(-1, 0, 0))),
		FITo:                  ptr(wire.NewTimestamp(start)),
		RedirectURL:           ptr("https://example.com/cfverify-mock/return"),
		ConsentMode:           ptr(verification.ConsentModeSTORE),
		ConsentType:           []verification.ConsentType{verification.ConsentTypePROFILE, verification.ConsentTypeSUMMARY, verification.ConsentTypeTRANSACTION},
		FITypes:               []verification.FIType{verification.FITypeDEPOSIT},
		DataLifeExpiry:        ptr(wire.NewDate(start.AddDate(0, 0, 7))),
		Filter: []verification.ConsentFilter{{
			Type: ptr("TRANSACTION_AMOUNT"), Operator: ptr(verification.FilterOperatorLESSTHAN), Value: ptr("200000"),
		}},
	}
}

// fiBody is the FI request as it stands: accounts PENDING while the request
// is PENDING, the first account final while ACTIVE, all final after that.
func fiBody(rec *record, stageIdx int) *verification.FinancialInformation {
	path := rec.scenario.FI
	st := verification.FIStatusValue("")
	if len(path) > 0 {
		st = path[stageIdx]
	}
	out := *rec.fi
	out.Status = &st
	out.FIData = make([]verification.FIPData, len(rec.fi.FIData))
	n := 0
	for i, fip := range rec.fi.FIData {
		out.FIData[i] = verification.FIPData{FIPID: fip.FIPID, Accounts: make([]verification.FIAccount, len(fip.Accounts))}
		for j, acc := range fip.Accounts {
			final := accDelivered
			if n < len(rec.scenario.Accounts) {
				final = rec.scenario.Accounts[n]
			}
			status := final
			switch {
			case st == fiPending:
				status = accPending
			case st == fiActive && n > 0:
				status = accPending
			case st == "" && stageIdx == 0:
				status = accPending
			}
			acc.Status = ptr(status)
			if status != accDelivered {
				acc.Data = nil
			}
			out.FIData[i].Accounts[j] = acc
			n++
		}
	}
	return &out
}

// answerCacheLimit bounds the bytes an answerCache keeps; past it the
// cache starts afresh.
const answerCacheLimit = 16 << 20

// answerCache keeps answers that are a function of one key, encoded, so
// that asking again costs a lookup: user details by token (the data, the
// scenario and the seed are fixed for a token). It is bounded by bytes.
type answerCache struct {
	mu      sync.Mutex
	answers map[string][]byte
	size    int
}

// get returns the answer for key, building and keeping it when missing.
func (c *answerCache) get(key string, build func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	data, ok := c.answers[key]
	c.mu.Unlock()
	if ok {
		return data, nil
	}
	data, err := build()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.answers == nil || c.size+len(data) > answerCacheLimit {
		c.answers, c.size = map[string][]byte{}, 0
	}
	if _, ok := c.answers[key]; !ok {
		c.answers[key] = data
		c.size += len(data)
	}
	c.mu.Unlock()
	return data, nil
}
