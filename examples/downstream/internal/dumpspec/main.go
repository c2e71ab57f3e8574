// Command dumpspec writes the OpenAPI document embedded in the cfverify
// module (the version go.mod pins) to a file, so that go generate reads
// exactly the spec this module depends on, never a copy that drifts.
package main

import (
	"fmt"
	"os"

	"github.com/cfverify/cfverify/openapi"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dumpspec OUTPUT.yaml")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], openapi.YAML, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "dumpspec:", err)
		os.Exit(1)
	}
}
