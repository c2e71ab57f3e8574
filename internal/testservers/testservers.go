// Package testservers starts real database servers for tests: redis-server
// and PostgreSQL, on loopback, on ephemeral ports, in throwaway data
// directories, stopped when the test ends. A server whose binary is
// missing skips the test with the Debian package to install, except when
// CI=true: CI must run these tests, so there it fails instead.
package testservers

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// missing skips (or, in CI, fails) a test whose server binary is absent.
func missing(t testing.TB, binary, pkg string) {
	t.Helper()
	msg := fmt.Sprintf("%s not found: install the Debian package %s (apt-get install -y %s)", binary, pkg, pkg)
	if os.Getenv("CI") == "true" {
		t.Fatalf("testservers: %s; CI=true, so this test must run", msg)
	}
	t.Skip("testservers: " + msg)
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testservers: no free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitTCP waits until addr accepts connections and answers probe.
func waitTCP(addr string, probe func(net.Conn) error, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			err = probe(conn)
			conn.Close()
			if err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s: %w", addr, within, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Redis is a redis-server of the test's own.
type Redis struct {
	Addr string // 127.0.0.1:port
	t    testing.TB
	bin  string
	dir  string
	port int
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// StartRedis starts redis-server with an append-only file (fsync every
// second, Redis's recommended setting), as a production Redis for webhook
// dedupe is configured: Stop is a clean shutdown, which flushes the file,
// so a Stop and Start keeps every key.
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		missing(t, "redis-server", "redis-server")
	}
	r := &Redis{t: t, bin: bin, dir: t.TempDir(), port: freePort(t)}
	r.Addr = "127.0.0.1:" + strconv.Itoa(r.port)
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// URL is the server's redis:// URL for database db.
func (r *Redis) URL(db int) string { return fmt.Sprintf("redis://%s/%d", r.Addr, db) }

// Start starts the server (again, after Stop) on the same port and data.
func (r *Redis) Start() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd != nil {
		return
	}
	cmd := exec.Command(r.bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port), "--dir", r.dir,
		"--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "yes", "--logfile", "")
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("testservers: starting redis-server: %v", err)
	}
	ping := func(c net.Conn) error {
		_ = c.SetDeadline(time.Now().Add(time.Second))
		if _, err := c.Write([]byte("PING\r\n")); err != nil {
			return err
		}
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return err
		}
		if !strings.HasPrefix(line, "+PONG") {
			return fmt.Errorf("PING answered %q", line)
		}
		return nil
	}
	if err := waitTCP(r.Addr, ping, 10*time.Second); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		r.t.Fatalf("testservers: redis-server: %v", err)
	}
	r.cmd = cmd
}

// Stop stops the server (a clean shutdown: SIGTERM, then wait).
func (r *Redis) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = r.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = r.cmd.Process.Kill()
		<-done
	}
	r.cmd = nil
}

// Postgres is a PostgreSQL server of the test's own, with a trust login
// for the user postgres on loopback only.
type Postgres struct {
	URL  string // postgres://postgres@127.0.0.1:port/postgres?sslmode=disable
	Addr string
	t    testing.TB
	bin  string // the directory of initdb and pg_ctl
	dir  string // data directory, owned by the postgres user when run as root
	port int
	opts []string // more server settings, name=value
	mu   sync.Mutex
	up   bool
}

// postgresBin finds the newest /usr/lib/postgresql/N/bin with initdb, or
// initdb on PATH.
func postgresBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(dirs[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(dirs[j]))))
		return vi > vj
	})
	if len(dirs) > 0 {
		return filepath.Dir(dirs[0])
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

// StartPostgres runs initdb into a fresh directory and starts the server.
// initdb refuses to run as root, so as root both run as the user postgres
// (the Debian package creates it) through runuser. settings are more
// server settings, "name=value" (as postgres -c takes them).
func StartPostgres(t testing.TB, settings ...string) *Postgres {
	t.Helper()
	bin := postgresBin()
	if bin == "" {
		missing(t, "initdb (PostgreSQL)", "postgresql")
	}
	// Not t.TempDir: its parents are 0700, which the postgres user cannot enter.
	root, err := os.MkdirTemp("", "cfverify-pg-")
	if err != nil {
		t.Fatalf("testservers: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatalf("testservers: %v", err)
	}
	p := &Postgres{t: t, bin: bin, dir: filepath.Join(root, "data"), port: freePort(t), opts: settings}
	if err := os.Mkdir(p.dir, 0o700); err != nil {
		t.Fatalf("testservers: %v", err)
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres:postgres", p.dir).CombinedOutput(); err != nil {
			t.Fatalf("testservers: chown postgres %s: %v: %s", p.dir, err, out)
		}
	}
	if out, err := p.command("initdb", "-D", p.dir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8").CombinedOutput(); err != nil {
		t.Fatalf("testservers: initdb: %v\n%s", err, out)
	}
	p.Addr = "127.0.0.1:" + strconv.Itoa(p.port)
	p.URL = fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", p.Addr)
	p.Start()
	t.Cleanup(p.Stop)
	return p
}

// command runs a PostgreSQL tool, as the user postgres when we are root.
func (p *Postgres) command(tool string, args ...string) *exec.Cmd {
	path := filepath.Join(p.bin, tool)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

// Start starts the server (again, after Stop) on the same port and data.
func (p *Postgres) Start() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.up {
		return
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", p.port, p.dir)
	for _, o := range p.opts {
		opts += " -c " + o
	}
	out, err := p.command("pg_ctl", "-D", p.dir, "-o", opts, "-l", filepath.Join(p.dir, "server.log"), "-w", "-t", "30", "start").CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "server.log"))
		p.t.Fatalf("testservers: pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	p.up = true
}

// Stop stops the server (fast shutdown: sessions are ended, data is kept).
func (p *Postgres) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.up {
		return
	}
	if out, err := p.command("pg_ctl", "-D", p.dir, "-m", "fast", "-w", "-t", "30", "stop").CombinedOutput(); err != nil {
		p.t.Errorf("testservers: pg_ctl stop: %v\n%s", err, out)
	}
	p.up = false
}
