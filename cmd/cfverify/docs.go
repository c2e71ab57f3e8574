package main

// The CLI reference in docs/cli is generated from the command tree by
// cobra's doc generator (docs_test.go); make generate runs this line, and
// make check-generated and make test fail when docs/cli is stale.
//go:generate go test -count=1 -run ^TestCLIReference$ . -args -update
