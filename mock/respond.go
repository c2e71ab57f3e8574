package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cfverify/cfverify/internal/specmember"
	"github.com/cfverify/cfverify/internal/verdictcache"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/verification"
)

// reply is an answer before it is written.
type reply struct {
	status  int
	body    any    // encoded as JSON, unless raw is set
	raw     []byte // a body written as is: HTML, or JSON encoded already
	header  http.Header
	offSpec bool // a deliberate fault the spec cannot describe: not self-checked
	fault   FaultKind
	// shape is set for an answer no later send repeats (data
	// availability's: a new record, a new reference id). Its verdict by
	// bytes would never be read again; its shape's is.
	shape *answerShape
}

// answerShape splits an answer that is new on every send into what
// repeats and what does not: template, the same answer with its varying
// top-level members set to fixed valid stand-ins, and those members'
// real values. The self-check keeps the template's verdict, as it keeps
// any answer's, and checks the members on every send; the spec decides
// (specmember.CheckResponse) whether that is the whole check, and
// where it is not, the answer is checked whole.
type answerShape struct {
	template any
	members  []member
}

// member is one top-level member of a JSON object: its name and value.
type member struct {
	name  string
	value any
}

func errorReply(e apiError) reply { return reply{status: e.status, body: e.body()} }

// inject answers with fault, or returns the normal reply when there is none.
func (h *Handler) inject(w http.ResponseWriter, r *http.Request, op string, body []byte, f *Fault) *reply {
	if f == nil {
		rep := h.handle(op, r, body)
		return &rep
	}
	h.log.Debug("mock fault", "operation", op, "kind", string(f.Kind), "status", f.Status)
	switch f.Kind {
	case FaultRateLimit:
		rep := errorReply(errRateLimitOperation)
		rep.header = http.Header{"Retry-After": {strconv.Itoa(f.RetryAfter)}}
		rep.fault = f.Kind
		return &rep
	case FaultStatus:
		var rep reply
		if f.HTML {
			rep = reply{status: f.Status, raw: []byte(gatewayHTML(f.Status)), header: http.Header{"Content-Type": {"text/html"}}}
		} else {
			e := errInternal
			switch f.Status {
			case http.StatusBadGateway:
				e = errBadGateway
			case http.StatusServiceUnavailable:
				e = errUnavailable
			}
			e.status = f.Status
			rep = errorReply(e)
		}
		if f.RetryAfter > 0 {
			if rep.header == nil {
				rep.header = http.Header{}
			}
			rep.header.Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		rep.offSpec = f.HTML || !documented(op, f.Status)
		rep.fault = f.Kind
		return &rep
	case FaultReset:
		h.countResponse(op, 0, false)
		if err := resetConnection(w); err != nil {
			h.log.Error("mock: reset fault", "err", err)
		}
		return nil
	case FaultTruncate:
		rep := h.handle(op, r, body)
		data, err := encode(rep)
		if err != nil {
			h.log.Error("mock: encode", "err", err)
			data = []byte(`{}`)
		}
		h.countResponse(op, rep.status, false)
		if err := truncate(w, rep.status, data); err != nil {
			h.log.Error("mock: truncate fault", "err", err)
		}
		return nil
	}
	rep := h.handle(op, r, body)
	return &rep
}

func encode(rep reply) ([]byte, error) {
	if rep.raw != nil {
		return rep.raw, nil
	}
	var data []byte
	var err error
	if fi, ok := rep.body.(*verification.FinancialInformation); ok {
		data, err = MarshalFI(fi)
	} else {
		data, err = json.Marshal(rep.body)
	}
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// countResponse counts an answer of operation op ("" for a path outside
// the spec) with status (0: the connection was reset, nothing answered).
func (h *Handler) countResponse(op string, status int, checked bool) {
	h.statsMu.Lock()
	h.stats.Responses++
	if checked {
		h.stats.Checked++
	}
	byStatus := h.stats.ByOperation[op]
	if byStatus == nil {
		byStatus = map[int]int{}
		if h.stats.ByOperation == nil {
			h.stats.ByOperation = map[string]map[int]int{}
		}
		h.stats.ByOperation[op] = byStatus
	}
	byStatus[status]++
	h.statsMu.Unlock()
}

// respond encodes a reply, checks it against the spec (self-check) and
// writes it. A reply that breaks the spec is replaced by a 500 that says so.
func (h *Handler) respond(w http.ResponseWriter, r *http.Request, op string, rep reply) {
	h.write(r.Context(), w, op, rep)
}

func (h *Handler) write(ctx context.Context, w http.ResponseWriter, op string, rep reply) {
	data, err := encode(rep)
	if err != nil {
		rep = errorReply(errMockViolation.withMessage("cfverify mock: cannot encode its response: " + err.Error()))
		data, _ = encode(rep)
	}
	header := http.Header{"Content-Type": {"application/json"}}
	for k, v := range rep.header {
		header[k] = v
	}
	checked := false
	if h.cfg.selfCheck && op != "" && !rep.offSpec {
		// The verdict is cached per distinct response; the request's
		// cancellation must not become a cached verdict.
		ctx := context.WithoutCancel(ctx)
		check := func() error { return h.checkResponse(ctx, op, rep.status, header, data) }
		key := verdictcache.Key{Op: op, Status: rep.status, Header: verdictcache.HeaderKey(rep.header)}
		var fresh bool
		if rep.shape != nil {
			err, fresh = h.checkShaped(ctx, op, rep, header, key, check)
		} else {
			err, fresh = h.checks.Verdict(key, data, check)
		}
		if fresh {
			h.statsMu.Lock()
			h.stats.SelfChecks++
			h.statsMu.Unlock()
		}
		if err != nil {
			h.statsMu.Lock()
			h.stats.Violations++
			h.violations = append(h.violations, SelfCheckFailure{Operation: op, Status: rep.status, Err: err})
			h.statsMu.Unlock()
			h.log.Error("cfverify mock: response breaks the spec", "operation", op, "status", rep.status, "err", err)
			rep = errorReply(errMockViolation.withMessage(fmt.Sprintf(
				"cfverify mock: its %d response to %s breaks the spec, so it sent this instead: %v", rep.status, op, err)))
			header = http.Header{"Content-Type": {"application/json"}, "X-Mock-Violation": {"1"}}
			data, _ = encode(rep)
		} else {
			checked = true
		}
	}
	h.countResponse(op, rep.status, checked)
	for k, v := range header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Request-Id", "mock-"+strconv.FormatInt(h.seq.Add(1), 10))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(data)
}

// checkShaped is the self-check of an answer with a shape: the template's
// verdict from the cache (checked once) and each varying member's own
// check, or, where the validator or the spec cannot split the check, whole
// (checkWhole, every send). fresh says whether a check of a whole body ran.
func (h *Handler) checkShaped(ctx context.Context, op string, rep reply, header http.Header, key verdictcache.Key, checkWhole func() error) (err error, fresh bool) {
	var memberErrs []error
	for _, m := range rep.shape.members {
		raw, err := json.Marshal(m.value)
		if err != nil {
			return checkWhole(), true
		}
		independent, err := specmember.CheckResponse(h.validator, ctx, op, rep.status, header, m.name, raw)
		if !independent {
			return checkWhole(), true
		}
		if err != nil {
			memberErrs = append(memberErrs, err)
		}
	}
	template, err := encode(reply{body: rep.shape.template})
	if err != nil {
		return checkWhole(), true
	}
	templateErr, fresh := h.checks.Verdict(key, template, func() error {
		return h.checkResponse(ctx, op, rep.status, header, template)
	})
	return joinViolations(append([]error{templateErr}, memberErrs...)...), fresh
}

// joinViolations makes one error of the verdicts on a body's parts (a
// template's and its members'): one *openapi.ValidationError holding every
// violation, as a check of the whole body would give, when each is one.
func joinViolations(errs ...error) error {
	var joined *openapi.ValidationError
	var others []error
	for _, err := range errs {
		if err == nil {
			continue
		}
		var verr *openapi.ValidationError
		if !errors.As(err, &verr) {
			others = append(others, err)
			continue
		}
		if joined == nil {
			joined = &openapi.ValidationError{Operation: verr.Operation, Kind: verr.Kind, Status: verr.Status}
		}
		joined.Violations = append(joined.Violations, verr.Violations...)
	}
	if joined != nil {
		others = append([]error{joined}, others...)
	}
	if len(others) == 1 {
		return others[0]
	}
	return errors.Join(others...)
}
