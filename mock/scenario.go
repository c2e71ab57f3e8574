package mock

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cfverify/cfverify/verification"
)

// Scenario says how the mock answers for one id: the statuses a
// verification, consent or financial-information request goes through, the
// accounts it delivers, the scopes a user has, or an error it always
// answers. Every status list ends in the status that stays; each earlier
// status is answered for a number of polls (or a time) before the next.
//
// A zero field means "as the default scenario": Apply a Scenario onto
// another with Overlay.
type Scenario struct {
	// DigiLocker is the status path of GET /digilocker.
	DigiLocker []verification.DigiLockerStatusValue `json:"digilocker,omitempty"`
	// Consent is the status path of GET /aa/consent.
	Consent []verification.ConsentStatusValue `json:"consent,omitempty"`
	// FI is the status path of GET /aa/fi. Accounts are PENDING while the
	// request is PENDING; the first account reaches its final status while
	// it is ACTIVE; every account has its final status after that.
	FI []verification.FIStatusValue `json:"fi,omitempty"`
	// Accounts holds each account's final status, one entry per account;
	// DELIVERED accounts carry data, the others have "data": null.
	Accounts []verification.FIAccountStatus `json:"accounts,omitempty"`
	// Transactions is the number of transactions of each delivered account.
	Transactions int `json:"transactions,omitempty"`
	// Scopes are the scopes data availability and user details answer.
	// nil means all eleven; an empty, non-nil slice means none.
	Scopes []verification.Scope `json:"scopes"`
	// EAadhaar is the DigiLocker user's e-Aadhaar flag, "Y" or "N"; with
	// "N" an authenticated verification has "document_consent": null.
	EAadhaar string `json:"eaadhaar,omitempty"`
	// PollsPerStage overrides the server's polls per status (WithPolls).
	PollsPerStage int `json:"polls_per_stage,omitempty"`
	// Slowdown multiplies the polls and time each status lasts.
	Slowdown int `json:"slowdown,omitempty"`
	// Instant skips to the last status of every path at the first poll.
	Instant bool `json:"instant,omitempty"`
	// Error makes every request naming the id answer an error instead:
	// one of the Scenario* names (ScenarioNotFound, …).
	Error string `json:"error,omitempty"`
}

// Names of the errors a Scenario can always answer (Scenario.Error).
const (
	ScenarioNotFound            = "not_found"            // 404 *_value_invalid
	ScenarioInsufficientBalance = "insufficient_balance" // 422 insufficient_balance
	ScenarioIPNotWhitelisted    = "ip_not_whitelisted"   // 403 ip_validation_failed
	ScenarioTokenInvalid        = "access_token_invalid" // user details: 400 access_token_value_invalid
	ScenarioTokenExpired        = "access_token_expired" // user details: 401 authentication_failed
	ScenarioAccessDenied        = "access_denied"        // user details: 403 access_denied
)

var scenarioErrors = map[string]apiError{
	ScenarioInsufficientBalance: errInsufficientBalance,
	ScenarioIPNotWhitelisted:    errIPNotWhitelisted,
	ScenarioTokenInvalid:        errAccessTokenInvalid,
	ScenarioTokenExpired:        errAccessTokenExpired,
	ScenarioAccessDenied:        errAccessDenied,
}

// DefaultScenario is what an id without a scenario prefix gets: the happy
// path, in a few polls.
func DefaultScenario() Scenario {
	return Scenario{
		DigiLocker:   []verification.DigiLockerStatusValue{verification.DigiLockerPending, verification.DigiLockerAuthenticated},
		Consent:      []verification.ConsentStatusValue{verification.ConsentPending, verification.ConsentProcessing, verification.ConsentSuccess},
		FI:           []verification.FIStatusValue{verification.FIPending, verification.FIActive, verification.FISuccess},
		Accounts:     []verification.FIAccountStatus{verification.AccountDelivered, verification.AccountDelivered, verification.AccountDelivered},
		Transactions: 25,
		EAadhaar:     "Y",
	}
}

// Overlay returns s with every non-zero field of o set over it.
func (s Scenario) Overlay(o Scenario) Scenario {
	if o.DigiLocker != nil {
		s.DigiLocker = o.DigiLocker
	}
	if o.Consent != nil {
		s.Consent = o.Consent
	}
	if o.FI != nil {
		s.FI = o.FI
	}
	if o.Accounts != nil {
		s.Accounts = o.Accounts
	}
	if o.Transactions != 0 {
		s.Transactions = o.Transactions
	}
	if o.Scopes != nil {
		s.Scopes = o.Scopes
	}
	if o.EAadhaar != "" {
		s.EAadhaar = o.EAadhaar
	}
	if o.PollsPerStage != 0 {
		s.PollsPerStage = o.PollsPerStage
	}
	if o.Slowdown != 0 {
		s.Slowdown = o.Slowdown
	}
	if o.Instant {
		s.Instant = true
	}
	if o.Error != "" {
		s.Error = o.Error
	}
	return s
}

// validate rejects a scenario the mock cannot play. Status values are not
// checked against the spec's enums on purpose: a fixture may send a status
// the spec does not know yet, to test a client's tolerance (with the
// self-check off; with it on, such a response fails loudly).
func (s Scenario) validate() error {
	if s.Transactions < 0 || s.PollsPerStage < 0 || s.Slowdown < 0 {
		return fmt.Errorf("negative counts")
	}
	if s.Error != "" && s.Error != ScenarioNotFound {
		if _, ok := scenarioErrors[s.Error]; !ok {
			return fmt.Errorf("unknown error %q", s.Error)
		}
	}
	if s.EAadhaar != "" && s.EAadhaar != "Y" && s.EAadhaar != "N" {
		return fmt.Errorf("eaadhaar must be Y or N, not %q", s.EAadhaar)
	}
	return nil
}

func dl(v ...verification.DigiLockerStatusValue) []verification.DigiLockerStatusValue { return v }
func cs(v ...verification.ConsentStatusValue) []verification.ConsentStatusValue       { return v }
func fs(v ...verification.FIStatusValue) []verification.FIStatusValue                 { return v }
func as(v ...verification.FIAccountStatus) []verification.FIAccountStatus             { return v }

const (
	dlPending       = verification.DigiLockerPending
	dlAuthenticated = verification.DigiLockerAuthenticated
	dlExpired       = verification.DigiLockerExpired
	dlDenied        = verification.DigiLockerConsentDenied

	csPending    = verification.ConsentPending
	csProcessing = verification.ConsentProcessing
	csSuccess    = verification.ConsentSuccess
	csRejected   = verification.ConsentRejected
	csExpired    = verification.ConsentExpired
	csRevoked    = verification.ConsentRevoked
	csPaused     = verification.ConsentPaused

	fiPending = verification.FIPending
	fiActive  = verification.FIActive
	fiSuccess = verification.FISuccess
	fiFailed  = verification.FIFailed
	fiExpired = verification.FIExpired

	accDelivered = verification.AccountDelivered
	accDenied    = verification.AccountDenied
	accTimeout   = verification.AccountTimeout
	accPending   = verification.AccountPending
)

// builtinScenarios are chosen by an id prefix ("expired_abc") and stack
// ("slow_partial_abc"); the README and the package documentation list them.
var builtinScenarios = map[string]func(*Scenario){
	"instant": func(s *Scenario) { s.Instant = true },
	"slow":    func(s *Scenario) { s.Slowdown = 5 },
	"expired": func(s *Scenario) {
		s.DigiLocker = dl(dlPending, dlExpired)
		s.Consent = cs(csPending, csExpired)
		s.FI = fs(fiPending, fiExpired)
		s.Accounts = as(accTimeout, accTimeout)
		s.Error = tokenOnly(s.Error, ScenarioTokenExpired)
	},
	"denied": func(s *Scenario) {
		s.DigiLocker = dl(dlPending, dlDenied)
		s.Consent = cs(csPending, csRejected)
		s.FI = fs(fiPending, fiFailed)
		s.Accounts = as(accDenied, accDenied)
		s.Error = tokenOnly(s.Error, ScenarioAccessDenied)
	},
	"rejected": func(s *Scenario) { s.Consent = cs(csPending, csProcessing, csRejected) },
	"revoked":  func(s *Scenario) { s.Consent = cs(csPending, csProcessing, csRevoked) },
	"paused":   func(s *Scenario) { s.Consent = cs(csPending, csProcessing, csPaused) },
	"failed": func(s *Scenario) {
		s.FI = fs(fiPending, fiActive, fiFailed)
		s.Accounts = as(accDenied, accTimeout)
	},
	"partial": func(s *Scenario) {
		s.Accounts = as(accDelivered, accDenied, accTimeout)
		s.Scopes = []verification.Scope{verification.ScopeMOBILE, verification.ScopeNAME, verification.ScopePAN, verification.ScopeDOB}
	},
	"empty": func(s *Scenario) {
		s.Accounts = as()
		s.Scopes = []verification.Scope{}
	},
	"large": func(s *Scenario) {
		s.Accounts = as(accDelivered, accDelivered, accDelivered, accDelivered)
		s.Transactions = 2500
	},
	"noaadhaar": func(s *Scenario) { s.EAadhaar = "N" },
	"unknown":   func(s *Scenario) { s.Error = ScenarioNotFound },
	"nobalance": func(s *Scenario) { s.Error = ScenarioInsufficientBalance },
	"blocked":   func(s *Scenario) { s.Error = ScenarioIPNotWhitelisted },
	"invalid":   func(s *Scenario) { s.Error = tokenOnly(s.Error, ScenarioTokenInvalid) },
	// Fault prefixes (faults.go) also count as known prefixes; they leave
	// the scenario as it is.
	"flaky": func(*Scenario) {}, "ratelimited": func(*Scenario) {}, "reset": func(*Scenario) {},
	"truncated": func(*Scenario) {}, "gateway": func(*Scenario) {},
}

// tokenOnly marks an error that applies to user-details tokens only: the
// status operations ignore it (see Scenario.errorFor).
func tokenOnly(prev, err string) string {
	if prev != "" {
		return prev
	}
	return "token:" + err
}

// errorFor returns the error the scenario answers for an operation, if any.
func (s Scenario) errorFor(op string) (apiError, bool, bool) {
	name := s.Error
	if rest, ok := strings.CutPrefix(name, "token:"); ok {
		if op != OpUserDetails {
			return apiError{}, false, false
		}
		name = rest
	}
	if name == "" {
		return apiError{}, false, false
	}
	if name == ScenarioNotFound {
		return apiError{}, true, true
	}
	e, ok := scenarioErrors[name]
	return e, ok, false
}

// scenarios resolves the scenario of an id: an exact entry of the id table
// first, then the id's prefixes, left to right, over the default.
type scenarios struct {
	named map[string]Scenario // custom scenarios, usable as prefixes too
	ids   map[string]string   // id -> scenario name (built-in or custom)
}

// prefixes returns the known scenario prefixes an id starts with, in order:
// "slow_partial_x" -> ["slow", "partial"].
func (sc *scenarios) prefixes(id string) []string {
	var out []string
	for {
		name, rest, ok := strings.Cut(id, "_")
		if !ok || rest == "" || !sc.known(name) {
			return out
		}
		out = append(out, name)
		id = rest
	}
}

func (sc *scenarios) known(name string) bool {
	if _, ok := builtinScenarios[name]; ok {
		return true
	}
	_, ok := sc.named[name]
	return ok
}

// apply applies one named scenario (custom first, then built-in) to s.
func (sc *scenarios) apply(s *Scenario, name string) bool {
	if custom, ok := sc.named[name]; ok {
		*s = s.Overlay(custom)
		return true
	}
	if f, ok := builtinScenarios[name]; ok {
		f(s)
		return true
	}
	return false
}

// resolve returns the scenario of id and the names it was made of.
func (sc *scenarios) resolve(id string) (Scenario, []string) {
	s := DefaultScenario()
	var names []string
	if entry, ok := sc.ids[id]; ok {
		// A table entry may stack names like a prefix does: "slow_expired".
		for n := range strings.SplitSeq(entry, "_") {
			if sc.apply(&s, n) {
				names = append(names, n)
			}
		}
		return s, names
	}
	for _, p := range sc.prefixes(id) {
		sc.apply(&s, p)
		names = append(names, p)
	}
	return s, names
}

// ScenarioNames lists the built-in scenario prefixes, sorted.
func ScenarioNames() []string {
	names := make([]string, 0, len(builtinScenarios))
	for n := range builtinScenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// check reports whether a table entry names known scenarios only.
func (sc *scenarios) check(entry string) error {
	for n := range strings.SplitSeq(entry, "_") {
		if !sc.known(n) {
			return fmt.Errorf("mock: unknown scenario %q in %q (known: %s)", n, entry,
				strings.Join(append(ScenarioNames(), mapKeys(sc.named)...), ", "))
		}
	}
	return nil
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
