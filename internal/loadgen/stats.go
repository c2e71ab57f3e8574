package loadgen

import (
	"math"
	"slices"
)

// MedianInterval returns the median of xs and a distribution-free interval
// for it from order statistics: the widest-inner pair (x(k), x(n+1-k)) whose
// binomial coverage is at least 95%, and that coverage. Below six values
// no pair reaches 95%; the interval is then min..max with its coverage.
func MedianInterval(xs []float64) (median, lo, hi, coverage float64) {
	n := len(xs)
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN(), 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n%2 == 1 {
		median = s[n/2]
	} else {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	k := 1
	coverage = orderCoverage(n, 1)
	for j := 2; 2*j <= n; j++ {
		c := orderCoverage(n, j)
		if c < 0.95 {
			break
		}
		k, coverage = j, c
	}
	return median, s[k-1], s[n-k], coverage
}

// orderCoverage is P(x(k) ≤ median ≤ x(n+1-k)) = 1 - 2·P(Bin(n, ½) ≤ k-1).
func orderCoverage(n, k int) float64 {
	tail := 0.0
	for i := range k {
		tail += binomial(n, i)
	}
	return 1 - 2*tail/math.Pow(2, float64(n))
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
