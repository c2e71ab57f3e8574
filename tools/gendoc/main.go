// Command gendoc rewrites the doc comments oapi-codegen writes, so that go
// doc reads as prose. The generator starts every comment with the name
// before the spec's description: "// Status Where a DigiLocker verification
// stands". For a field, Go asks for no name, so gendoc drops it ("// Where a
// DigiLocker verification stands"). For a type, Go wants the name first, so
// gendoc makes a sentence of it where the description starts with an article
// or a question word ("// DigiLockerStatus is the status of ..."), and leaves
// other type comments as they are. gen.go runs it after the generator, so the
// output stays generated: make generate and make check-generated run it too.
//
// Usage: go run ./tools/gendoc FILE...
package main

import (
	"fmt"
	"go/format"
	"os"
	"regexp"
	"strings"
)

var (
	commentLine = regexp.MustCompile(`^(\t+)// (\w+) (\S.*)$`)
	fieldLine   = regexp.MustCompile(`^\t+(\w+) `)
	typeComment = regexp.MustCompile(`^// (\w+) (The|An|A|One|Where|How|Whether|When|Cashfree's) (.*)$`)
	typeLine    = regexp.MustCompile(`^type (\w+) `)
)

func main() {
	for _, path := range os.Args[1:] {
		if err := rewrite(path); err != nil {
			fmt.Fprintln(os.Stderr, "gendoc:", err)
			os.Exit(1)
		}
	}
}

func rewrite(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := format.Source(sentenceTypeDocs(dropFieldNames(src)))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, out, 0o644)
}

// dropFieldNames removes the leading field name from the first line of each
// indented comment block that documents a field of that name.
func dropFieldNames(src []byte) []byte {
	lines := strings.Split(string(src), "\n")
	for i, line := range lines {
		m := commentLine.FindStringSubmatch(line)
		if m == nil || (i > 0 && strings.HasPrefix(strings.TrimSpace(lines[i-1]), "//")) {
			continue // not the first line of a comment block
		}
		j := i + 1
		for j < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[j]), "//") {
			j++
		}
		if j == len(lines) {
			continue
		}
		if f := fieldLine.FindStringSubmatch(lines[j]); f != nil && f[1] == m[2] {
			rest := m[3]
			lines[i] = m[1] + "// " + strings.ToUpper(rest[:1]) + rest[1:]
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// sentenceTypeDocs turns "// Name The x of y" above "type Name" into
// "// Name is the x of y".
func sentenceTypeDocs(src []byte) []byte {
	lines := strings.Split(string(src), "\n")
	for i, line := range lines {
		m := typeComment.FindStringSubmatch(line)
		if m == nil || (i > 0 && strings.HasPrefix(lines[i-1], "//")) {
			continue
		}
		j := i + 1
		for j < len(lines) && strings.HasPrefix(lines[j], "//") {
			j++
		}
		if j == len(lines) {
			continue
		}
		if t := typeLine.FindStringSubmatch(lines[j]); t != nil && t[1] == m[1] {
			word := m[2]
			if word != "Cashfree's" {
				word = strings.ToLower(word)
			}
			lines[i] = "// " + m[1] + " is " + word + " " + m[3]
		}
	}
	return []byte(strings.Join(lines, "\n"))
}
