// Command count prints how many exported identifiers each public package of
// the module declares: top-level types, functions, constants and variables,
// and exported methods of exported types. make api-count runs it; the Go API
// review compares the counts before and after a change.
//
// Internal packages, programs (package main) and test files are left out, as
// they are not API.
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

type counts struct{ types, funcs, methods, consts, vars int }

func (c counts) total() int { return c.types + c.funcs + c.methods + c.consts + c.vars }

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	byPkg, err := countModule(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "api-count:", err)
		os.Exit(1)
	}
	dirs := make([]string, 0, len(byPkg))
	for d := range byPkg {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "package\ttypes\tfuncs\tmethods\tconsts\tvars\ttotal\t")
	var sum counts
	for _, d := range dirs {
		c := byPkg[d]
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", d, c.types, c.funcs, c.methods, c.consts, c.vars, c.total())
		sum = counts{sum.types + c.types, sum.funcs + c.funcs, sum.methods + c.methods, sum.consts + c.consts, sum.vars + c.vars}
	}
	fmt.Fprintf(w, "all\t%d\t%d\t%d\t%d\t%d\t%d\t\n", sum.types, sum.funcs, sum.methods, sum.consts, sum.vars, sum.total())
	w.Flush()
}

// countModule lists the module's packages with go list, which applies build
// constraints, and counts each library package's exported identifiers.
func countModule(root string) (map[string]counts, error) {
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}\t{{.Name}}\t{{.Dir}}\t{{join .GoFiles \",\"}}", "./...")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	module, err := exec.Command("go", "list", "-C", root, "-m").Output()
	if err != nil {
		return nil, fmt.Errorf("go list -m: %w", err)
	}
	prefix := strings.TrimSpace(string(module))
	byPkg := map[string]counts{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 || f[1] == "main" || f[3] == "" || isInternal(f[0]) {
			continue
		}
		var c counts
		fset := token.NewFileSet()
		for _, name := range strings.Split(f[3], ",") {
			file, err := parser.ParseFile(fset, filepath.Join(f[2], name), nil, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			countFile(file, &c)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(f[0], prefix), "/")
		if rel == "" {
			rel = "."
		}
		byPkg[rel] = c
	}
	return byPkg, nil
}

func isInternal(importPath string) bool {
	return strings.Contains(importPath, "/internal/") || strings.HasSuffix(importPath, "/internal")
}

func countFile(f *ast.File, c *counts) {
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				c.funcs++
			} else if recvExported(d.Recv) {
				c.methods++
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						c.types++
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if !n.IsExported() {
							continue
						}
						if d.Tok == token.CONST {
							c.consts++
						} else {
							c.vars++
						}
					}
				}
			}
		}
	}
}

func recvExported(recv *ast.FieldList) bool {
	if len(recv.List) == 0 {
		return false
	}
	t := recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.IsExported()
		default:
			return false
		}
	}
}
