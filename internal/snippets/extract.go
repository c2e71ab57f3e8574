// Package snippets compiles and runs the Go blocks of README.md and docs/
// (TestSnippets), so that a snippet that no longer builds, or a call that
// fails against the mock, fails `make test`.
//
// The convention, for whoever writes a block:
//   - A block whose code starts with a package clause (after comments) is a
//     whole file: it is built as a package of its own.
//   - Any other block is a fragment: it becomes the body of a function in
//     package internal/snippets/run whose parameters are the names a
//     fragment may use undeclared (ctx, c, srv, t, logger, accessToken, id,
//     secret, kyc, jobs, tracerProvider, meterProvider, fn; see run.Env), with
//     the imports it names from the table below. The function returns an
//     error, so a fragment may `return err`. Variables it declares and does
//     not use are marked used. CASHFREE_BASE_URL and the credentials name
//     the mock, so client.FromEnv() reaches it.
//   - A fragment is also run, against an in-process mock, and every error
//     it assigns to err must be nil at the next statement; a fragment that
//     cannot run here says why on the line before its fence:
//     <!-- snippet: build-only: the reason -->
//
// Every block is built: none is skipped.
package snippets

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Block is one ```go block of a Markdown file.
type Block struct {
	File      string // relative to the repository root
	Line      int    // the line of the opening fence
	Code      string
	BuildOnly string // the reason given in <!-- snippet: build-only: ... -->, if any
}

// WholeFile reports whether the block is a file of its own (it has a
// package clause) rather than a fragment.
func (b Block) WholeFile() bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", b.Code, parser.PackageClauseOnly)
	return err == nil && f.Name != nil
}

var buildOnly = regexp.MustCompile(`^<!--\s*snippet:\s*build-only:\s*(.+?)\s*-->$`)

// Extract returns the ```go blocks of one Markdown file.
func Extract(path, rel string) ([]Block, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var blocks []Block
	var cur *Block
	var code strings.Builder
	prev := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && trimmed == "```go":
			cur = &Block{File: rel, Line: n}
			if m := buildOnly.FindStringSubmatch(prev); m != nil {
				cur.BuildOnly = m[1]
			}
			code.Reset()
		case cur != nil && trimmed == "```":
			cur.Code = code.String()
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			code.WriteString(line + "\n")
		}
		if trimmed != "" {
			prev = trimmed
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: a go block is never closed", rel, cur.Line)
	}
	return blocks, sc.Err()
}

// imports are the packages a fragment may name, by the name it uses.
var imports = map[string]string{
	"context":      "context",
	"errors":       "errors",
	"fmt":          "fmt",
	"http":         "net/http",
	"log":          "log",
	"os":           "os",
	"slog":         "log/slog",
	"time":         "time",
	"client":       "github.com/cfverify/cfverify/client",
	"mock":         "github.com/cfverify/cfverify/mock",
	"openapi":      "github.com/cfverify/cfverify/openapi",
	"wire":         "github.com/cfverify/cfverify/openapi/wire",
	"mask":         "github.com/cfverify/cfverify/mask",
	"verification": "github.com/cfverify/cfverify/verification",
	"webhook":      "github.com/cfverify/cfverify/webhook",
	"otelcfverify": "github.com/cfverify/cfverify/otelcfverify",
	"redisstore":   "github.com/cfverify/cfverify/webhook/redisstore",
	"pgstore":      "github.com/cfverify/cfverify/webhook/pgstore",
	"redis":        "github.com/redis/go-redis/v9",
	"pgxpool":      "github.com/jackc/pgx/v5/pgxpool",
	"require":      "github.com/stretchr/testify/require",
	"assert":       "github.com/stretchr/testify/assert",
}

// params are the names a fragment may use without declaring them, as the
// parameters of its function; run.Env holds their values.
const params = `t *testing.T, ctx context.Context, c *client.Client, srv *mock.Server, logger *slog.Logger, accessToken, id, secret string, kyc, jobs *run.Records, tracerProvider *sdktrace.TracerProvider, meterProvider *sdkmetric.MeterProvider, fn webhook.HandlerFunc`

// paramImports are the packages params names, as import specs (a path, or
// a name and a quoted path).
var paramImports = []string{
	"testing", "context", "log/slog",
	"github.com/cfverify/cfverify/client", "github.com/cfverify/cfverify/mock",
	`sdktrace "go.opentelemetry.io/otel/sdk/trace"`, `sdkmetric "go.opentelemetry.io/otel/sdk/metric"`,
	"github.com/stretchr/testify/require", "github.com/cfverify/cfverify/webhook",
}

// Fragment returns the function a fragment becomes: its statements in a
// block, a check after each that assigns err (when run is true), and a
// `_ = v` for each variable it declares. The function returns an error, so
// that a fragment may `return err` as the body of the reader's own
// function would; the runner requires it to be nil.
func Fragment(b Block, name string, run bool) (fn string, pkgs []string, err error) {
	src := "package p\nfunc f() {\n" + b.Code + "\n}\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return "", nil, fmt.Errorf("%s:%d: not a fragment of a function body: %w", b.File, b.Line, err)
	}
	body := f.Decls[0].(*ast.FuncDecl).Body
	var out strings.Builder
	fmt.Fprintf(&out, "// %s: %s:%d\nfunc %s(%s) error {\n\t{\n", name, b.File, b.Line, name, params)
	declared := map[string]bool{}
	for _, st := range body.List {
		text := src[fset.Position(st.Pos()).Offset:fset.Position(st.End()).Offset]
		line := b.Line + fset.Position(st.Pos()).Line - 2 // the fence is b.Line; the code starts after it
		fmt.Fprintf(&out, "//line %s:%d\n%s\n", b.File, line, text)
		if as, ok := st.(*ast.AssignStmt); ok {
			assignsErr := false
			for _, lhs := range as.Lhs {
				if id, ok := lhs.(*ast.Ident); ok {
					if as.Tok == token.DEFINE && id.Name != "_" {
						declared[id.Name] = true
					}
					assignsErr = assignsErr || id.Name == "err"
				}
			}
			if assignsErr && run {
				fmt.Fprintf(&out, "\trequire.NoError(t, err, %q)\n", fmt.Sprintf("%s:%d", b.File, line))
			}
		}
	}
	names := make([]string, 0, len(declared))
	for n := range declared {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&out, "\t_ = %s\n", n)
	}
	out.WriteString("\t}\n\treturn nil\n}\n")

	pkgs = append(pkgs, paramImports...)
	used := map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				if _, known := imports[id.Name]; known {
					used[id.Name] = true
				}
			}
		}
		return true
	})
	for n := range used {
		pkgs = append(pkgs, imports[n])
	}
	return out.String(), pkgs, nil
}
