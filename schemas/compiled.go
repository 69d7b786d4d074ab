package schemas

import (
	"fmt"
	"sync"
)

// compiled memoises Load. The embedded files are fixed at build time, so the
// result never changes: this is a cache of a constant, not mutable state,
// and it spares every test and every caller a recompilation.
var compiled = sync.OnceValues(Load)

// Compiled returns the embedded schemas, compiled on first use and shared by
// the whole process (and test binary) afterwards. A *Set is read-only, so
// sharing it is safe.
func Compiled() (*Set, error) {
	set, err := compiled()
	if err != nil {
		return nil, fmt.Errorf("compiling the embedded schemas: %w", err)
	}
	return set, nil
}
