// cfverify version: the release, the commit and the build.

package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi"
)

// version is the release, set when building one:
// go build -ldflags "-X main.version=v1.2.3". Unset, cfverify version
// reports the module version the Go toolchain stamped into the binary.
var version string

// versionInfo is what cfverify version reports.
type versionInfo struct {
	version  string // -X main.version, else the module version, else "(devel)"
	revision string // vcs.revision, "" if not stamped
	time     string // vcs.time
	modified bool   // vcs.modified: built from a tree with uncommitted changes
}

// buildVersion is this binary's version.
func buildVersion() versionInfo {
	info, ok := debug.ReadBuildInfo()
	return versionFrom(version, info, ok)
}

// versionFrom reads the version from -X main.version (release), else the
// build info's module version, and the VCS stamp of the build info.
func versionFrom(release string, info *debug.BuildInfo, ok bool) versionInfo {
	v := versionInfo{version: release}
	if !ok || info == nil {
		if v.version == "" {
			v.version = "(devel)"
		}
		return v
	}
	if v.version == "" {
		v.version = info.Main.Version
	}
	if v.version == "" {
		v.version = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.revision = s.Value
		case "vcs.time":
			v.time = s.Value
		case "vcs.modified":
			v.modified = s.Value == "true"
		}
	}
	return v
}

func (v versionInfo) String() string {
	spec := "?"
	if doc, err := openapi.Load(); err == nil && doc.Info != nil {
		spec = doc.Info.Version
	}
	var b strings.Builder
	fmt.Fprintf(&b, "cfverify %s (API version %s, spec %s, %s %s/%s)\n",
		v.version, client.DefaultAPIVersion, spec, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if v.revision != "" {
		fmt.Fprintf(&b, "commit %s", v.revision)
		if v.time != "" {
			fmt.Fprintf(&b, " (%s)", v.time)
		}
		if v.modified {
			b.WriteString(", with uncommitted changes")
		}
		b.WriteString("\n")
	}
	return b.String()
}

var versionCmd = &command{
	name:    "version",
	summary: "print the version of cfverify and its commit, of the API and spec it embeds, and of Go",
	group:   groupInfo,
	example: "  cfverify version",
	flags: func(_ *pflag.FlagSet, e *env) func(context.Context) error {
		return func(context.Context) error {
			_, err := fmt.Fprint(e.stdout, buildVersion())
			return err
		}
	},
}
