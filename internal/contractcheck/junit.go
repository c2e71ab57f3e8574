package contractcheck

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The JUnit XML shape CI systems read (GitHub, GitLab, Jenkins, CircleCI):
// one testsuite, one testcase per exchange.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes results as JUnit XML: a testcase per exchange named
// after its operation, a failure for each exchange that broke the spec
// (listing every violation, and the drift under strict checking), an error
// for a proxy fault (not a spec violation). Exchanges of no operation in
// the spec are left out. Everything in it is already masked.
func WriteJUnit(w io.Writer, suite string, results []Result) error {
	return WriteJUnitOmitting(w, suite, results, 0)
}

// WriteJUnitOmitting is WriteJUnit for a Recorder that kept only some of
// its results (Recorder.Omitted): one more testcase says how many
// exchanges are counted in the summary but not listed.
func WriteJUnitOmitting(w io.Writer, suite string, results []Result, omitted int) error {
	s := junitSuite{Name: suite, Cases: make([]junitCase, 0, len(results))}
	var total time.Duration
	var first time.Time
	for i, r := range results {
		if r.Skipped { // none of the spec's operations: counted in the summary only
			continue
		}
		if !r.Time.IsZero() && (first.IsZero() || r.Time.Before(first)) {
			first = r.Time
		}
		latency := time.Duration(r.LatencyMS * float64(time.Millisecond))
		total += latency
		c := junitCase{
			Name:      caseName(i, r),
			Classname: "cfverify." + cmp.Or(r.Operation, "unmatched"),
			Time:      seconds(latency),
		}
		switch {
		case r.ProxyFault != "":
			c.Error = &junitProblem{Message: r.ProxyFault, Type: "proxy-fault", Text: r.ProxyFault}
			s.Errors++
		case r.Broke:
			c.Failure = &junitProblem{Message: failureMessage(r), Type: "spec-violation", Text: failureText(r)}
			s.Failures++
		}
		if c.Failure == nil && (len(r.Drift) > 0 || r.Unchecked != "" || r.RequestUnchecked != "") {
			c.SystemOut = failureText(r) // drift as a warning, and why a body was not checked
		}
		s.Cases = append(s.Cases, c)
	}
	if omitted > 0 {
		s.Cases = append(s.Cases, junitCase{
			Name:      fmt.Sprintf("%d further exchanges, not listed", omitted),
			Classname: "cfverify.omitted",
			Time:      seconds(0),
			SystemOut: "the recorder keeps a bounded number of exchanges (cfverify proxy: the first 10,000, then as many that did not hold); the summary counts every exchange",
		})
	}
	s.Tests = len(s.Cases)
	s.Time = seconds(total)
	if !first.IsZero() {
		s.Timestamp = first.UTC().Format("2006-01-02T15:04:05")
	}
	doc := junitSuites{Name: suite, Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func caseName(i int, r Result) string {
	n := i + 1
	if r.Entry > 0 {
		n = r.Entry
	}
	name := fmt.Sprintf("#%d %s %s", n, r.Method, r.Path)
	if r.Status != 0 {
		name += fmt.Sprintf(" -> %d", r.Status)
	}
	return name
}

func failureMessage(r Result) string {
	n := len(r.Violations)
	msg := fmt.Sprintf("%s broke the spec: %d violation", cmp.Or(r.Operation, r.Path), n)
	if n != 1 {
		msg += "s"
	}
	if len(r.Drift) > 0 {
		msg += fmt.Sprintf(", %d drift", len(r.Drift))
	}
	return msg
}

func failureText(r Result) string {
	var b strings.Builder
	for _, v := range r.Violations {
		b.WriteString(v.String())
		b.WriteByte('\n')
	}
	for _, d := range r.Drift {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	if r.RequestUnchecked != "" {
		b.WriteString("request body not checked: " + r.RequestUnchecked + "\n")
	}
	if r.Unchecked != "" {
		b.WriteString("response body not checked: " + r.Unchecked + "\n")
	}
	return b.String()
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
