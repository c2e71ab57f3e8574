// Flag values: typed, with errors that state the rule, and a record of
// whether the command read them (the help test checks that every flag a
// command lists is one its code reads).

package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/pflag"
)

// flagValue is a pflag.Value holding a T. Commands read it with Get or IsSet,
// which mark it read.
type flagValue[T any] struct {
	val  T
	set  bool
	read bool
	typ  string
	// parse turns the text of one occurrence into the new value (cur is
	// the value so far, for repeatable flags).
	parse func(cur T, s string) (T, error)
	show  func(T) string
}

func (f *flagValue[T]) String() string { return f.show(f.val) }
func (f *flagValue[T]) Type() string   { return f.typ }

func (f *flagValue[T]) Set(s string) error {
	v, err := f.parse(f.val, s)
	if err != nil {
		return err
	}
	f.val, f.set = v, true
	return nil
}

// Get returns the value, the default unless the command line set it.
func (f *flagValue[T]) Get() T { f.read = true; return f.val }

// IsSet reports whether the command line set the flag.
func (f *flagValue[T]) IsSet() bool { f.read = true; return f.set }

func (f *flagValue[T]) wasRead() bool { return f.read }

// readTracker is what every flag of a cfverify command implements.
type readTracker interface{ wasRead() bool }

func addFlag[T any](fs *pflag.FlagSet, name string, v *flagValue[T], usage string) *flagValue[T] {
	fs.Var(v, name, usage)
	if v.typ == "bool" {
		fs.Lookup(name).NoOptDefVal = "true"
	}
	return v
}

func stringFlag(fs *pflag.FlagSet, name, def, usage string) *flagValue[string] {
	return addFlag(fs, name, &flagValue[string]{val: def, typ: "string",
		parse: func(_ string, s string) (string, error) { return s, nil },
		show:  func(v string) string { return v }}, usage)
}

func boolFlag(fs *pflag.FlagSet, name, usage string) *flagValue[bool] {
	return addFlag(fs, name, &flagValue[bool]{typ: "bool",
		parse: func(_ bool, s string) (bool, error) {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return false, fmt.Errorf("want true or false, got %q", s)
			}
			return b, nil
		},
		show: strconv.FormatBool}, usage)
}

func intFlag(fs *pflag.FlagSet, name string, def int, usage string) *flagValue[int] {
	return addFlag(fs, name, &flagValue[int]{val: def, typ: "int",
		parse: func(_ int, s string) (int, error) {
			n, err := strconv.Atoi(s)
			if err != nil {
				return 0, fmt.Errorf("want a whole number, got %q", s)
			}
			return n, nil
		},
		show: strconv.Itoa}, usage)
}

func int64Flag(fs *pflag.FlagSet, name string, def int64, usage string) *flagValue[int64] {
	return addFlag(fs, name, &flagValue[int64]{val: def, typ: "int64",
		parse: func(_ int64, s string) (int64, error) {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("want a number, got %q", s)
			}
			return n, nil
		},
		show: func(n int64) string { return strconv.FormatInt(n, 10) }}, usage)
}

func uint64Flag(fs *pflag.FlagSet, name string, def uint64, usage string) *flagValue[uint64] {
	return addFlag(fs, name, &flagValue[uint64]{val: def, typ: "uint64",
		parse: func(_ uint64, s string) (uint64, error) {
			n, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("want a number, 0 or more, got %q", s)
			}
			return n, nil
		},
		show: func(n uint64) string { return strconv.FormatUint(n, 10) }}, usage)
}

func durationFlag(fs *pflag.FlagSet, name string, def time.Duration, usage string) *flagValue[time.Duration] {
	return addFlag(fs, name, &flagValue[time.Duration]{val: def, typ: "duration",
		parse: func(_ time.Duration, s string) (time.Duration, error) {
			d, err := time.ParseDuration(s)
			if err != nil {
				return 0, fmt.Errorf("want a duration such as 30s or 2m, got %q", s)
			}
			return d, nil
		},
		show: time.Duration.String}, usage)
}

// listFlag is a repeatable flag: each occurrence parses one item.
func listFlag[T any](fs *pflag.FlagSet, name, usage string, parse func(string) (T, error)) *flagValue[[]T] {
	return addFlag(fs, name, &flagValue[[]T]{typ: "list",
		parse: func(cur []T, s string) ([]T, error) {
			item, err := parse(s)
			if err != nil {
				return nil, err
			}
			return append(cur, item), nil
		},
		show: func([]T) string { return "" }}, usage)
}

// aliasAnnotation marks a flag that is another name of a flag (its value).
const aliasAnnotation = "cfverify_alias_of"

// aliasFlag registers alias as a second name of the flag primary: the same
// value, listed in help as such. deprecated says whether help calls it so.
func aliasFlag(fs *pflag.FlagSet, alias, primary string, deprecated bool) {
	p := fs.Lookup(primary)
	placeholder, _ := pflag.UnquoteUsage(p)
	usage := "the same as --" + primary + " `" + placeholder + "`"
	if deprecated {
		usage = "deprecated: use --" + primary + " `" + placeholder + "`"
	}
	fs.Var(p.Value, alias, usage)
	a := fs.Lookup(alias)
	a.NoOptDefVal = p.NoOptDefVal
	a.DefValue = p.DefValue
	_ = fs.SetAnnotation(alias, aliasAnnotation, []string{primary})
}

// checkAliases refuses a flag given under two of its names: the later
// would silently win.
func checkAliases(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if of := f.Annotations[aliasAnnotation]; err == nil && f.Changed && len(of) == 1 && fs.Changed(of[0]) {
			err = fmt.Errorf("--%s and --%s name the same thing: give one", of[0], f.Name)
		}
	})
	return err
}
