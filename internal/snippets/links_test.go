package snippets

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	mdLink  = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	heading = regexp.MustCompile(`^#{1,6}\s+(.+?)\s*#*$`)
	// GitHub's heading slug keeps letters, digits, '-', '_' and spaces (which
	// become '-'); everything else is dropped.
	slugDrop = regexp.MustCompile(`[^\p{L}\p{N}\s_-]`)
)

// slug is the anchor GitHub gives a heading.
func slug(h string) string {
	h = strings.ToLower(slugDrop.ReplaceAllString(h, ""))
	return strings.ReplaceAll(h, " ", "-")
}

// anchors returns the heading anchors of a Markdown file, with GitHub's -1,
// -2 suffixes for repeated headings; fenced code is not read.
func anchors(data []byte) map[string]bool {
	seen := map[string]int{}
	out := map[string]bool{}
	fenced := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if m := heading.FindStringSubmatch(line); m != nil && !fenced {
			s := slug(m[1])
			if n := seen[s]; n > 0 {
				out[fmt.Sprintf("%s-%d", s, n)] = true
			} else {
				out[s] = true
			}
			seen[s]++
		}
	}
	return out
}

// links returns the link targets of a Markdown file outside fenced code,
// each with its line.
func links(data []byte) (targets []string, lines []int) {
	fenced := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
			targets = append(targets, m[1])
			lines = append(lines, n)
		}
	}
	return targets, lines
}

// TestDocLinks: every relative link of README.md, CHANGELOG.md and docs/
// names a file or directory that exists, and every #anchor a heading of the
// file it points into, so a moved section or file fails the build.
func TestDocLinks(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	files := append(docs(t, root), "CHANGELOG.md")
	checked := 0
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(root, rel))
		require.NoError(t, err)
		targets, lines := links(data)
		for i, target := range targets {
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			path, frag, _ := strings.Cut(target, "#")
			dest := filepath.Join(root, rel)
			if path != "" {
				dest = filepath.Join(filepath.Dir(dest), filepath.FromSlash(path))
				info, err := os.Stat(dest)
				if !assert.NoError(t, err, "%s:%d: %s does not exist", rel, lines[i], target) {
					continue
				}
				if info.IsDir() {
					assert.Empty(t, frag, "%s:%d: %s: an anchor into a directory", rel, lines[i], target)
					continue
				}
			}
			if frag == "" || !strings.HasSuffix(dest, ".md") {
				continue
			}
			destData, err := os.ReadFile(dest)
			require.NoError(t, err)
			assert.True(t, anchors(destData)[frag], "%s:%d: %s: no heading gives #%s", rel, lines[i], target, frag)
		}
	}
	assert.Greater(t, checked, 20, "README and docs/ link to each other")
}

func TestSlug(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "contract-checks-in-any-languages-ci", slug("Contract checks in any language's CI"))
	assert.Equal(t, "what-changed-the-fenced-webhookstore", slug("What changed: the fenced `webhook.Store`"))
	assert.Equal(t, map[string]bool{"a": true, "a-1": true}, anchors([]byte("# A\n```\n# not\n```\n## A\n")))
}
