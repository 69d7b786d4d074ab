package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/wabridge/wabridge/events/replay"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// runReplay reads the stretch and hands each event to the target.
func runReplay(ctx context.Context, o replayOpts, stdout, stderr io.Writer) (summary, error) {
	start := time.Now()
	var sum summary
	nc, err := connectReplayNATS(o)
	if err != nil {
		return sum, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return sum, fmt.Errorf("opening JetStream: %w", err)
	}
	sink, err := o.to.open(nc, stdout)
	if err != nil {
		return sum, err
	}
	r, err := replay.New(replay.Config{JS: js, Subjects: natsbus.Subjects{Prefix: o.prefix}})
	if err != nil {
		return sum, err
	}
	cur, err := r.Replay(ctx, o.q)
	if err != nil {
		return sum, errors.Join(err, sink.Close())
	}
	defer cur.Close()
	bar := newBar(o.progress, stderr)
	for {
		ev, err := cur.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			err = sink.Write(ctx, ev)
		}
		if err != nil {
			sum.took = time.Since(start)
			return sum, errors.Join(err, sink.Close())
		}
		sum.events++
		sum.bytes += int64(len(ev.JSON))
		bar.add(sum.events, ev.Pending)
	}
	bar.finish()
	err = sink.Close()
	sum.took = time.Since(start)
	return sum, err
}

// progress is the bar on a terminal; without one it does nothing.
type progress struct{ bar *progressbar.ProgressBar }

func newBar(mode string, stderr io.Writer) progress {
	f, isFile := stderr.(*os.File)
	on := mode == "always" || mode == "auto" && isFile && term.IsTerminal(int(f.Fd()))
	if !on {
		return progress{}
	}
	return progress{bar: progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("replaying"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("events"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish())}
}

// add moves the bar to done of done+pending (the stream says how many
// matching events follow).
func (p progress) add(done int64, pending uint64) {
	if p.bar == nil {
		return
	}
	if total := done + int64(pending); total != p.bar.GetMax64() {
		p.bar.ChangeMax64(total)
	}
	_ = p.bar.Set64(done)
}

func (p progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
