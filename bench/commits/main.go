// Command commits compares one benchmark between two commits in paired
// rounds: it builds the package's test binary at the base commit (in a
// temporary git worktree) and in the working tree, then runs them in
// alternating order, round by round, and reports each metric's median
// ratio (working tree ÷ base) with its order-statistic interval. Separate
// runs on a shared machine differ by more than most changes; rounds that
// alternate do not.
//
//	go run ./bench/commits -base dc50b3e -bench '^BenchmarkMockDataAvailability$' -benchtime 15000x -rounds 12 ./bench
//
// The base's package must have the benchmark too.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cfverify/cfverify/internal/loadgen"
)

func main() {
	base := flag.String("base", "", "the commit to compare against (required)")
	bench := flag.String("bench", "", "the -test.bench pattern; it should match one benchmark (required)")
	benchtime := flag.String("benchtime", "1s", "the -test.benchtime of each run")
	rounds := flag.Int("rounds", 10, "alternating rounds (each runs both binaries once)")
	flag.Parse()
	if *base == "" || *bench == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: commits -base COMMIT -bench PATTERN [-benchtime D] [-rounds N] PACKAGE")
		os.Exit(2)
	}
	if err := run(*base, *bench, *benchtime, *rounds, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "commits:", err)
		os.Exit(1)
	}
}

func run(base, bench, benchtime string, rounds int, pkg string) error {
	work, err := os.MkdirTemp("", "commits")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	tree := filepath.Join(work, "base")
	if out, err := exec.Command("git", "worktree", "add", "--detach", tree, base).CombinedOutput(); err != nil {
		return fmt.Errorf("git worktree add %s: %v: %s", base, err, out)
	}
	defer exec.Command("git", "worktree", "remove", "--force", tree).Run() //nolint:errcheck // best effort
	binaries := map[string]string{"base": filepath.Join(work, "base.test"), "head": filepath.Join(work, "head.test")}
	for name, dir := range map[string]string{"base": tree, "head": "."} {
		cmd := exec.Command("go", "test", "-c", "-o", binaries[name], pkg)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v: %s", name, err, out)
		}
	}
	ratios := map[string][]float64{}
	var units []string
	for r := range rounds {
		order := []string{"base", "head"}
		if r%2 == 1 {
			order = []string{"head", "base"}
		}
		got := map[string]map[string]float64{}
		for _, name := range order {
			cmd := exec.Command(binaries[name], "-test.run", "^$", "-test.bench", bench, "-test.benchtime", benchtime)
			cmd.Dir = filepath.Join(tree, pkg) // testdata is read relative to the package
			if name == "head" {
				cmd.Dir = pkg
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("round %d, %s: %v: %s", r+1, name, err, out)
			}
			if got[name], err = metrics(out); err != nil {
				return fmt.Errorf("round %d, %s: %v", r+1, name, err)
			}
		}
		for unit, v := range got["head"] {
			if b, ok := got["base"][unit]; ok && b != 0 {
				if _, seen := ratios[unit]; !seen {
					units = append(units, unit)
				}
				ratios[unit] = append(ratios[unit], v/b)
			}
		}
		fmt.Fprintf(os.Stderr, "round %d/%d: %v\n", r+1, rounds, got)
	}
	fmt.Printf("%s at the working tree ÷ at %s, %d alternating rounds, -benchtime %s\n", bench, base, rounds, benchtime)
	for _, unit := range units {
		m, lo, hi, cov := loadgen.MedianInterval(ratios[unit])
		fmt.Printf("  %-14s %.3f× [%.3f, %.3f] (coverage %.0f%%)\n", unit, m, lo, hi, 100*cov)
	}
	return nil
}

// metrics reads the one benchmark line of a run: value and unit pairs.
func metrics(out []byte) (map[string]float64, error) {
	var line string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Benchmark") && strings.Contains(sc.Text(), "\t") {
			if line != "" {
				return nil, fmt.Errorf("more than one benchmark matched")
			}
			line = sc.Text()
		}
	}
	if line == "" {
		return nil, fmt.Errorf("no benchmark line in: %s", out)
	}
	fields := strings.Fields(line)
	m := map[string]float64{}
	for i := 2; i+1 < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return nil, fmt.Errorf("metric %q: %v", fields[i], err)
		}
		m[fields[i+1]] = v
	}
	return m, nil
}
