package store

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func (g *Group) queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}

func openTest(t *testing.T) *bolt.DB {
	t.Helper()
	sdb, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db := sdb.DB
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("b")); return err }); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestGroupSharesOneCommit: callers that queue while a commit runs are
// committed together, in one transaction, and each sees its write done.
func TestGroupSharesOneCommit(t *testing.T) {
	db := openTest(t)
	g := NewGroup(db)
	const waiting = 20
	release := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- g.Update(func(tx *bolt.Tx) error {
			<-release // hold the first commit until the others queued
			return tx.Bucket([]byte("b")).Put([]byte("first"), []byte("1"))
		})
	}()
	for g.queued() != 0 || !g.busy() {
		runtime.Gosched()
	}
	var wg sync.WaitGroup
	txIDs := make(chan int, waiting)
	for i := range waiting {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := g.Update(func(tx *bolt.Tx) error {
				txIDs <- tx.ID()
				return tx.Bucket([]byte("b")).Put(fmt.Appendf(nil, "k%02d", i), []byte("v"))
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	for g.queued() != waiting {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	close(txIDs)
	ids := map[int]bool{}
	for id := range txIDs {
		ids[id] = true
	}
	if len(ids) != 1 {
		t.Fatalf("%d queued callers used %d transactions, want 1", waiting, len(ids))
	}
	_ = db.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket([]byte("b")).Stats().KeyN; n != waiting+1 {
			t.Errorf("%d keys stored, want %d", n, waiting+1)
		}
		return nil
	})
}

// TestGroupIsolatesAFailingCall: one caller's error is its own; the others
// of its batch are committed.
func TestGroupIsolatesAFailingCall(t *testing.T) {
	db := openTest(t)
	g := NewGroup(db)
	release := make(chan struct{})
	go func() {
		_ = g.Update(func(tx *bolt.Tx) error { <-release; return nil })
	}()
	for !g.busy() {
		runtime.Gosched()
	}
	boom := errors.New("boom")
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = g.Update(func(tx *bolt.Tx) error {
				if i == 1 {
					return boom
				}
				return tx.Bucket([]byte("b")).Put(fmt.Appendf(nil, "k%d", i), []byte("v"))
			})
		}()
	}
	for g.queued() != 3 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if errs[0] != nil || !errors.Is(errs[1], boom) || errs[2] != nil {
		t.Fatalf("errors %v, want only the second to fail", errs)
	}
	_ = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("b"))
		if b.Get([]byte("k0")) == nil || b.Get([]byte("k2")) == nil || b.Get([]byte("k1")) != nil {
			t.Error("the batch's other writes are missing, or the failed one was kept")
		}
		return nil
	})
}

func (g *Group) busy() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.committing
}

// TestGroupSurvivesAPanickingWrite: a write that panics fails its own call
// (with ErrPanicked), the others of its batch are committed, and later
// writers are not wedged behind a commit that never ended.
func TestGroupSurvivesAPanickingWrite(t *testing.T) {
	db := openTest(t)
	g := NewGroup(db)
	release := make(chan struct{})
	go func() {
		_ = g.Update(func(tx *bolt.Tx) error { <-release; return nil })
	}()
	for !g.busy() {
		runtime.Gosched()
	}
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = g.Update(func(tx *bolt.Tx) error {
				if i == 1 {
					panic("boom")
				}
				return tx.Bucket([]byte("b")).Put(fmt.Appendf(nil, "k%d", i), []byte("v"))
			})
		}()
	}
	for g.queued() != 3 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if errs[0] != nil || !errors.Is(errs[1], ErrPanicked) || errs[2] != nil {
		t.Fatalf("errors %v, want only the second to fail with ErrPanicked", errs)
	}
	done := make(chan error, 1)
	go func() {
		done <- g.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("b")).Put([]byte("later"), []byte("v")) })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a writer after the panic is wedged")
	}
	_ = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("b"))
		if b.Get([]byte("k0")) == nil || b.Get([]byte("k2")) == nil || b.Get([]byte("k1")) != nil || b.Get([]byte("later")) == nil {
			t.Error("the batch's other writes or the later write are missing, or the panicked one was kept")
		}
		return nil
	})
}

// TestCommitJoinsWrites: DB.Commit applies every write in one transaction,
// and one failing write leaves none of them.
func TestCommitJoinsWrites(t *testing.T) {
	db := Wrap(openTest(t))
	put := func(k string) Write {
		return func(tx *bolt.Tx) error { return tx.Bucket([]byte("b")).Put([]byte(k), []byte("v")) }
	}
	boom := errors.New("boom")
	if err := db.Commit(put("x"), nil, func(*bolt.Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("Commit = %v, want boom", err)
	}
	if err := db.Commit(put("y"), put("z")); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("b"))
		if b.Get([]byte("x")) != nil || b.Get([]byte("y")) == nil || b.Get([]byte("z")) == nil {
			t.Error("a failed Commit left a write, or a good one is missing")
		}
		return nil
	})
}
