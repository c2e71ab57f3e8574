package contract_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/cfverify/cfverify/openapi"
)

// sourceRecorded marks a fixture recorded from live traffic by make record.
const sourceRecorded = "recorded"

// recordMeta annotates a recorded fixture in testdata/index.json.
type recordMeta struct {
	RecordedAt string // RFC 3339, UTC
	APIVersion string // the x-api-version sent
	Against    string // sandbox, production, or the host of CASHFREE_BASE_URL
}

// recorder writes live answers as fixtures: personal data masked,
// deterministically under its key and format-preserving, and each file
// listed in the index with when and against what it was recorded. Only
// bodies are written: no header, so no credential, ever reaches disk.
type recorder struct {
	masker    *pseudonymizer
	validator *openapi.Validator
	dir       string // testdata
}

// newRecorder keys the masking with key, or with a random key when key is
// empty: stand-ins are then consistent within one recording only.
func newRecorder(key, dir string) (*recorder, error) {
	k := []byte(key)
	if len(k) == 0 {
		k = make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return nil, err
		}
	}
	m, err := newPseudonymizer(k)
	if err != nil {
		return nil, err
	}
	v, err := openapi.DefaultValidator()
	if err != nil {
		return nil, err
	}
	return &recorder{masker: m, validator: v, dir: dir}, nil
}

// record writes one fixture per operation and status (the last answer wins)
// and returns their paths under dir.
func (r *recorder) record(exchanges []exchange, meta recordMeta) ([]string, error) {
	latest := map[string]exchange{}
	for _, e := range exchanges {
		latest[fmt.Sprintf("%s/%d_recorded.json", e.operation, e.status)] = e
	}
	entries := map[string]json.RawMessage{}
	for file, e := range latest {
		masked, err := r.masker.MaskJSON(e.body)
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", file, err)
		}
		drift, err := r.validator.Drift(e.operation, e.status, masked)
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", file, err)
		}
		path := filepath.Join(r.dir, filepath.FromSlash(file))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, masked, 0o644); err != nil {
			return nil, err
		}
		entry, err := json.Marshal(fixture{
			File: file, Operation: e.operation, Status: e.status, Sources: []string{sourceRecorded},
			Note:       "recorded live; personal data replaced by keyed, format-preserving stand-ins",
			RecordedAt: meta.RecordedAt, APIVersion: meta.APIVersion, RecordedAgainst: meta.Against,
			Drift: driftStrings(drift),
		})
		if err != nil {
			return nil, err
		}
		entries[file] = entry
	}
	if err := r.updateIndex(entries); err != nil {
		return nil, err
	}
	files := make([]string, 0, len(latest))
	for f := range latest {
		files = append(files, f)
	}
	slices.Sort(files)
	return files, nil
}

// updateIndex replaces or adds the given entries of testdata/index.json,
// keeping every other entry byte for byte, one per line, sorted by file.
func (r *recorder) updateIndex(entries map[string]json.RawMessage) error {
	path := filepath.Join(r.dir, "index.json")
	var index struct {
		Fixtures []json.RawMessage `json:"fixtures"`
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	byFile := map[string]json.RawMessage{}
	for _, e := range index.Fixtures {
		var head struct {
			File string `json:"file"`
		}
		if err := json.Unmarshal(e, &head); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		byFile[head.File] = e
	}
	for file, e := range entries {
		byFile[file] = e
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	slices.Sort(files)
	var out bytes.Buffer
	out.WriteString("{\n  \"fixtures\": [\n")
	for i, f := range files {
		var compact bytes.Buffer
		if err := json.Compact(&compact, byFile[f]); err != nil {
			return err
		}
		out.WriteString("    ")
		out.Write(spaced(compact.Bytes()))
		if i < len(files)-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	out.WriteString("  ]\n}\n")
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// spaced puts a space after each ':' and ',' that separates JSON members or
// elements (not inside strings), the style index.json is written in.
func spaced(compact []byte) []byte {
	var out bytes.Buffer
	inString, escaped := false, false
	for _, c := range compact {
		out.WriteByte(c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ':' || c == ','):
			out.WriteByte(' ')
		}
	}
	return out.Bytes()
}
