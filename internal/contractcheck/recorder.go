package contractcheck

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"
)

// Recorder keeps every Result, writes each as one JSON line to a report
// when it has one, and counts them for the summary and the JUnit file.
// Skipped exchanges (none of the spec's operations: a browser's HAR holds
// hundreds) are counted, not written. It is safe for concurrent use.
type Recorder struct {
	mu      sync.Mutex
	report  io.Writer // nil: no JSON-lines report
	results []Result
	err     error // the first error writing the report
	bound         // recorder_bound.go: the cap on results kept, and the running totals
}

// NewRecorder writes a JSON line per result to report (nil for none).
func NewRecorder(report io.Writer) *Recorder {
	return &Recorder{report: report}
}

// Add records r and writes its report line.
func (rec *Recorder) Add(r Result) {
	line, err := json.Marshal(r)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.keep(r)
	if rec.report == nil || rec.err != nil || r.Skipped {
		return
	}
	if err == nil {
		_, err = rec.report.Write(append(line, '\n'))
	}
	if err != nil {
		rec.err = fmt.Errorf("writing the report: %w", err)
	}
}

// Err is the first error writing the report, if any.
func (rec *Recorder) Err() error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.err
}

// Results returns a copy of the results so far, in the order they were added.
func (rec *Recorder) Results() []Result {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.results)
}

// Totals counts results.
type Totals struct {
	Exchanges  int // checked: the exchanges of the spec's operations
	Broke      int // exchanges that broke the spec
	Violations int
	Drift      int
	Skipped    int // exchanges of no operation in the spec
	Faults     int // proxy faults
	Unchecked  int // responses whose body could not be checked
	// RequestsUnchecked counts requests whose body could not be checked.
	RequestsUnchecked int
}

// OperationTotals is Totals for one operation.
type OperationTotals struct {
	Operation string
	Totals
}

// Summarize counts results, overall and per operation (in name order).
func Summarize(results []Result) (Totals, []OperationTotals) {
	var all Totals
	byOp := map[string]*Totals{}
	for _, r := range results {
		countResult(&all, byOp, r)
	}
	return all, sortedTotals(byOp)
}

// countResult adds r to all and to its operation's totals in byOp.
func countResult(all *Totals, byOp map[string]*Totals, r Result) {
	switch {
	case r.ProxyFault != "": // the exchange never completed: nothing was checked
		all.Faults++
		return
	case r.Skipped:
		all.Skipped++
		return
	}
	t := byOp[r.Operation]
	if t == nil {
		t = &Totals{}
		byOp[r.Operation] = t
	}
	for _, x := range []*Totals{all, t} {
		x.Exchanges++
		x.Violations += len(r.Violations)
		x.Drift += len(r.Drift)
		if r.Broke {
			x.Broke++
		}
		if r.Unchecked != "" {
			x.Unchecked++
		}
		if r.RequestUnchecked != "" {
			x.RequestsUnchecked++
		}
	}
}

// sortedTotals lists byOp in operation name order.
func sortedTotals(byOp map[string]*Totals) []OperationTotals {
	ops := make([]OperationTotals, 0, len(byOp))
	for name, t := range byOp {
		ops = append(ops, OperationTotals{Operation: name, Totals: *t})
	}
	slices.SortFunc(ops, func(a, b OperationTotals) int { return cmp.Compare(a.Operation, b.Operation) })
	return ops
}

// WriteSummary prints the per-operation table and the totals, for stderr.
func WriteSummary(w io.Writer, who string, results []Result, strict bool) {
	all, ops := Summarize(results)
	WriteTotals(w, who, all, ops, strict)
}

// WriteTotals is WriteSummary from totals already counted (Recorder.Summary).
func WriteTotals(w io.Writer, who string, all Totals, ops []OperationTotals, strict bool) {
	fmt.Fprintf(w, "%s: %d exchanges checked, %d broke the spec", who, all.Exchanges, all.Broke)
	if strict {
		fmt.Fprint(w, " (strict: drift counts)")
	}
	fmt.Fprintf(w, "; %d skipped (not in the spec), %d proxy faults, %d responses unchecked", all.Skipped, all.Faults, all.Unchecked)
	if all.RequestsUnchecked > 0 {
		fmt.Fprintf(w, ", %d request bodies unchecked", all.RequestsUnchecked)
	}
	fmt.Fprintln(w)
	if len(ops) == 0 {
		return
	}
	fmt.Fprintf(w, "  %-28s %9s %6s %10s %6s\n", "operation", "exchanges", "broke", "violations", "drift")
	for _, o := range ops {
		fmt.Fprintf(w, "  %-28s %9d %6d %10d %6d\n", o.Operation, o.Exchanges, o.Broke, o.Violations, o.Drift)
	}
}
