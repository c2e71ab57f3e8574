package mock

import (
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cfverify/cfverify/internal/operation"
	"github.com/cfverify/cfverify/internal/specmember"
	"github.com/cfverify/cfverify/internal/verdictcache"
	"github.com/cfverify/cfverify/verification"
)

// checkClient checks the client id, secret and (when required) signature.
func (h *Handler) checkClient(r *http.Request) *apiError {
	id, secret := r.Header.Get("x-client-id"), r.Header.Get("x-client-secret")
	switch {
	case strings.TrimSpace(id) == "":
		return &errClientIDMissing
	case strings.TrimSpace(secret) == "":
		return &errClientSecretMissing
	case subtle.ConstantTimeCompare([]byte(id), []byte(h.cfg.clientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(h.cfg.clientSecret)) != 1:
		return &errAuthFailed
	}
	if h.cfg.signatureKey != nil {
		return h.checkSignature(r.Header.Get("x-cf-signature"), id)
	}
	return nil
}

func (h *Handler) checkSignature(sig, clientID string) *apiError {
	if sig == "" {
		return &errIPNotWhitelisted
	}
	ct, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return &errSignatureInvalid
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, h.cfg.signatureKey, ct, nil)
	if err != nil {
		return &errSignatureInvalid
	}
	who, when, ok := strings.Cut(string(pt), ".")
	secs, err := strconv.ParseInt(when, 10, 64)
	if !ok || err != nil || who != clientID {
		return &errSignatureInvalid
	}
	if d := h.cfg.clock().Sub(time.Unix(secs, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return &errSignatureInvalid
	}
	return nil
}

func checkAPIVersion(r *http.Request) *apiError {
	v := strings.TrimSpace(r.Header.Get("x-api-version"))
	if v == "" {
		return &errAPIVersionMissing
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return &errAPIVersionInvalid
	}
	return nil
}

// checkSpec runs the shared validator over the request: whatever the
// vendor-specific checks let through and the spec forbids is a 400.
//
// The verdict is a function of the request as sent (method, path, query,
// headers, body), so it is kept per distinct request, like the
// self-check's: a client polling with the same request is validated once.
func (h *Handler) checkSpec(r *http.Request, body []byte) *apiError {
	key := verdictcache.Key{Op: r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery, Header: verdictcache.HeaderKey(r.Header)}
	ctx := context.WithoutCancel(r.Context())
	err, _ := h.requestChecks.Verdict(key, body, func() error { return h.validator.ValidateRequest(ctx, r, body) })
	return specRefusal(err)
}

// checkNewSpec is checkSpec for a request that creates a resource: its
// body carries an id that is new each time (a repeated one is a 409), so
// its verdict by bytes would never be read again. The verdict kept is the
// body's with the id replaced by a stand-in, and the id is checked on every
// request; the spec decides (specmember.CheckRequest) whether that is
// the whole check. Where it is not, or the validator cannot split it, the
// request is validated whole and nothing is remembered.
func (h *Handler) checkNewSpec(r *http.Request, body []byte, idMember string) *apiError {
	ctx := context.WithoutCancel(r.Context())
	whole := func() *apiError { return specRefusal(h.validator.ValidateRequest(ctx, r, body)) }
	template, id, ok := specmember.Split(body, idMember, []byte(`"shape"`))
	if !ok {
		return whole()
	}
	independent, idErr := specmember.CheckRequest(h.validator, ctx, r, idMember, id)
	if !independent {
		return whole()
	}
	key := verdictcache.Key{Op: r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery, Header: verdictcache.HeaderKey(r.Header)}
	templateErr, _ := h.requestChecks.Verdict(key, template, func() error { return h.validator.ValidateRequest(ctx, r, template) })
	return specRefusal(joinViolations(templateErr, idErr))
}

// specRefusal is the 400 for a request the validator refused, nil for one
// it let through.
func specRefusal(err error) *apiError {
	if err == nil {
		return nil
	}
	e := errInvalidRequest.withMessage(msgBadRequest + ": " + describe(err))
	return &e
}

func (h *Handler) dataAvailability(r *http.Request, body []byte) reply {
	if e := h.checkClient(r); e != nil {
		return errorReply(*e)
	}
	if e := checkAPIVersion(r); e != nil {
		return errorReply(*e)
	}
	var req struct {
		VerificationID *string `json:"verification_id"`
		User           []struct {
			IdentifierType  *string `json:"identifier_type"`
			IdentifierValue *string `json:"identifier_value"`
		} `json:"user"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return errorReply(errInvalidRequest.withMessage(msgBadRequest + ": the body is not a JSON object of the documented shape"))
	}
	switch {
	case req.VerificationID == nil || *req.VerificationID == "":
		return errorReply(errVerificationIDMissing)
	case !validID(*req.VerificationID):
		return errorReply(errParamInvalid("verification_id"))
	case len(req.User) == 0:
		return errorReply(errUserMissing)
	}
	users := make([]verification.EchoedUserIdentifier, 0, len(req.User))
	for _, u := range req.User {
		if u.IdentifierType == nil || *u.IdentifierType != string(verification.IdentifierTypeMOBILE) {
			return errorReply(errIdentifierTypeInvalid)
		}
		if u.IdentifierValue == nil || !operation.ValidMobile(*u.IdentifierValue) {
			return errorReply(errIdentifierValueInvalid)
		}
		users = append(users, verification.EchoedUserIdentifier{IdentifierType: verification.IdentifierTypeMOBILE, IdentifierValue: *u.IdentifierValue})
	}
	if e := h.checkNewSpec(r, body, "verification_id"); e != nil {
		return errorReply(*e)
	}
	id := *req.VerificationID
	s, names := h.scen.resolve(id)
	if e, ok, _ := s.errorFor(OpDataAvailability); ok && e.status != 0 {
		return errorReply(e)
	}
	h.store.mu.Lock()
	if h.store.find(RecordDataAvailability, id, h.cfg.clock()) != nil {
		h.store.mu.Unlock()
		return errorReply(errConflict)
	}
	rec := h.newRecord(RecordDataAvailability, id, s, names)
	h.store.mu.Unlock()

	scopes := make([]verification.AvailableScope, 0, 11)
	for _, sc := range scopesOf(s) {
		scopes = append(scopes, verification.AvailableScope{Scope: ptr(sc)})
	}
	answer := verification.DataAvailability{ReferenceID: refID(rec.ref), VerificationID: ptr(id), User: users, AvailableScopes: scopes}
	// The record's reference id and the caller's id make every answer new;
	// the rest repeats, and is the shape the self-check remembers.
	template := answer
	template.ReferenceID, template.VerificationID = refID(1), ptr("shape")
	return reply{status: http.StatusOK, body: answer, shape: &answerShape{template: template, members: []member{
		{"reference_id", answer.ReferenceID}, {"verification_id", answer.VerificationID},
	}}}
}

func (h *Handler) userDetails(r *http.Request, body []byte) reply {
	token, ok := bearer(r)
	if !ok {
		return errorReply(errAccessTokenMissing)
	}
	if e := checkAPIVersion(r); e != nil {
		return errorReply(*e)
	}
	if e := h.checkSpec(r, body); e != nil {
		return errorReply(*e)
	}
	s, _ := h.scen.resolve(token)
	if e, ok, notFound := s.errorFor(OpUserDetails); ok {
		if notFound {
			return errorReply(errAccessTokenInvalid)
		}
		return errorReply(e)
	}
	data, err := h.userAnswers.get(token, func() ([]byte, error) { return encode(reply{body: userDetails(h.cfg.seed, token, s)}) })
	if err != nil {
		return reply{status: http.StatusOK, body: userDetails(h.cfg.seed, token, s)} // write reports the error
	}
	return reply{status: http.StatusOK, raw: data}
}

// status answers a status operation of the table (operation.Lookups).
func (h *Handler) status(op operation.Operation, r *http.Request, body []byte) reply {
	if e := h.checkClient(r); e != nil {
		return errorReply(*e)
	}
	if e := checkAPIVersion(r); e != nil {
		return errorReply(*e)
	}
	lk := lookups[op.ID]
	res := lk.res
	q := r.URL.Query()
	id, refText := q.Get(lk.idParam), q.Get(lk.refParam)
	var ref int64
	switch {
	case id == "" && refText == "":
		return errorReply(lk.missing)
	case id != "" && refText != "":
		return errorReply(lk.both)
	case refText != "":
		n, err := strconv.ParseInt(refText, 10, 64)
		if err != nil || n < 1 {
			return errorReply(lk.refInvalid)
		}
		ref = n
	case !validID(id):
		return errorReply(lk.idInvalid)
	}
	if e := h.checkSpec(r, body); e != nil {
		return errorReply(*e)
	}

	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	var rec *record
	now := h.cfg.clock()
	if ref != 0 {
		if rec = h.store.findRef(res, ref, now); rec == nil {
			return errorReply(lk.refNotFound)
		}
	} else if rec = h.store.find(res, id, now); rec == nil {
		s, names := h.scen.resolve(id)
		_, listed := h.cfg.ids[id]
		if _, _, notFound := s.errorFor(op.ID); notFound || (h.cfg.strictIDs && !listed) {
			return errorReply(lk.idNotFound)
		}
		rec = h.newRecord(res, id, s, names)
	}
	if e, ok, notFound := rec.scenario.errorFor(op.ID); ok {
		if notFound {
			if ref != 0 {
				return errorReply(lk.refNotFound)
			}
			return errorReply(lk.idNotFound)
		}
		return errorReply(e)
	}
	rec.polls++
	at := h.stageAt(rec)
	h.webhookStages(rec, at)
	return h.stageReply(rec, at(rec.stages()))
}
