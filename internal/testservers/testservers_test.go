package testservers

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRedis_startStopStart(t *testing.T) {
	t.Parallel()
	r := StartRedis(t)
	set := func(c net.Conn, cmd string) string {
		_, err := c.Write([]byte(cmd + "\r\n"))
		require.NoError(t, err)
		line, err := bufio.NewReader(c).ReadString('\n')
		require.NoError(t, err)
		return line
	}
	c, err := net.Dial("tcp", r.Addr)
	require.NoError(t, err)
	require.Equal(t, "+OK\r\n", set(c, "SET k v"))
	c.Close()
	r.Stop()
	_, err = net.DialTimeout("tcp", r.Addr, time.Second)
	require.Error(t, err, "a stopped server refuses connections")
	r.Start()
	c, err = net.Dial("tcp", r.Addr)
	require.NoError(t, err)
	defer c.Close()
	require.Equal(t, "$1\r\n", set(c, "GET k"), "the key survived the restart (append-only file)")
}

func TestPostgres_startStopStart(t *testing.T) {
	t.Parallel()
	p := StartPostgres(t)
	c, err := net.Dial("tcp", p.Addr)
	require.NoError(t, err)
	c.Close()
	p.Stop()
	_, err = net.DialTimeout("tcp", p.Addr, time.Second)
	require.Error(t, err, "a stopped server refuses connections")
	p.Start()
	c, err = net.Dial("tcp", p.Addr)
	require.NoError(t, err)
	c.Close()
}
