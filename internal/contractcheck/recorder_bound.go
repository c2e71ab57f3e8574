package contractcheck

// A proxy left running through a long CI job, or as a shared service,
// records exchanges without end. A Recorder keeps running totals of every
// result and, with KeepAtMost, a bounded number of the results
// themselves: the first n, then only those that tell something (broke the
// spec, drift, a proxy fault, a body not checked), n more at most.

// DefaultKeptResults is the cap `cfverify proxy` keeps: its JUnit file
// lists that many exchanges, then the notable ones.
const DefaultKeptResults = 10_000

type bound struct {
	max     int // 0: keep every result
	notable int // notable results kept past the first max
	omitted int
	all     Totals
	byOp    map[string]*Totals
}

// KeepAtMost makes rec keep at most n results that held the spec and n
// that did not, past its first n; the rest are counted (Summary, Omitted)
// but not kept. It returns rec.
func (rec *Recorder) KeepAtMost(n int) *Recorder {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.max = max(n, 0)
	return rec
}

// keep counts r and keeps it if the bound allows. Call with rec.mu held.
func (rec *Recorder) keep(r Result) {
	rec.count(r)
	switch {
	case rec.max == 0 || len(rec.results) < rec.max:
	case Verdict(r) != VerdictOK && Verdict(r) != VerdictSkipped && rec.notable < rec.max:
		rec.notable++
	default:
		rec.omitted++
		return
	}
	rec.results = append(rec.results, r)
}

// count adds r to the running totals, as Summarize would.
func (rec *Recorder) count(r Result) {
	if rec.byOp == nil {
		rec.byOp = map[string]*Totals{}
	}
	countResult(&rec.all, rec.byOp, r)
}

// Summary is Summarize over every result added, kept or not.
func (rec *Recorder) Summary() (Totals, []OperationTotals) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.all, sortedTotals(rec.byOp)
}

// Omitted is how many results were counted but not kept.
func (rec *Recorder) Omitted() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.omitted
}
