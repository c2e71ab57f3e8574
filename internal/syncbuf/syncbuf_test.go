package syncbuf

import (
	"strings"
	"sync"
	"testing"
)

func TestBuffer_concurrentWritesAllArrive(t *testing.T) {
	t.Parallel()
	var b Buffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				_, _ = b.Write([]byte("x\n"))
				_ = b.String()
			}
		})
	}
	wg.Wait()
	if got := strings.Count(b.String(), "x\n"); got != 800 {
		t.Fatalf("%d writes arrived, want 800", got)
	}
}
