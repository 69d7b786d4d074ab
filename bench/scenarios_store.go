package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
)

// StoreLoad sizes the chat store scenarios (issue 6's performance targets):
// a history sync of History messages, chat.list over Chats chats, and
// chat.messages in one chat of ChatMessages messages.
type StoreLoad struct {
	History      int
	Chats        int
	ChatMessages int
	// The sizes of the replay and media scenarios (issue 10: 1,000,000
	// events; issue 8: a 50 MiB document, 5 MiB images); the harness's own
	// test runs them small.
	ReplayEvents  int
	DocumentBytes int64
	ImageBytes    int64
}

// The targets of issue 6 are the store scenarios' baseline column: there is
// no raw building block to compare with, so the ratio says how far wabridge
// is from its budget (≤ 1.0: met).
const (
	targetHistory = 5 * time.Second
	targetQuery   = 5 * time.Millisecond
	// syncTimeout bounds waiting for a history to reach the stream and the
	// store, beyond which the scenario fails instead of measuring.
	syncTimeout = 3 * time.Minute
)

// Each store scenario has a session of its own, so the histories (whose
// message ids derive from the account) never overlap.
const (
	sessionHistory = "hist"
	sessionChats   = "chats"
	sessionDeep    = "deep"
)

func storeScenarios(s StoreLoad) []scenario {
	target := fmt.Sprintf("issue 6's target (%s)", targetQuery)
	return []scenario{
		{Name: fmt.Sprintf("store history sync %d", s.History),
			Baseline: fmt.Sprintf("issue 6's target (%s for all of it)", targetHistory),
			Wabridge: fmt.Sprintf("POST /sandbox/scan {history: %d} until every message.history is on WA_EVENTS, then in the store", s.History),
			session:  sessionHistory, run: (*bench).historySync},
		{Name: fmt.Sprintf("store chat.list %d chats", s.Chats), Baseline: target,
			Wabridge: fmt.Sprintf("GET /chats (first page of 50) over %d chats filled by history sync", s.Chats),
			session:  sessionChats, run: (*bench).chatList},
		{Name: fmt.Sprintf("store chat.messages %d", s.ChatMessages), Baseline: target,
			Wabridge: fmt.Sprintf("GET /chat/<jid>/messages?limit=50 in one chat of %d messages filled by history sync", s.ChatMessages),
			session:  sessionDeep, run: (*bench).chatMessages},
	}
}

// historySync measures a whole history sync: from the scan until the phone's
// blobs are all kept (the scan answers), until every message.history is on
// WA_EVENTS, and until the store holds the last of them.
func (b *bench) historySync(ctx context.Context) ([]Row, error) {
	n := b.store.History
	st, err := b.wab.syncHistory(ctx, sessionHistory, n, 0)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("store history sync %d", n)
	budget := millis(targetHistory)
	row := func(metric string, d time.Duration) Row {
		w := millis(d)
		return Row{Scenario: name, Metric: metric, Kind: KindLatency, Unit: "ms",
			Baseline: budget, Wabridge: w, Ratio: ratio(w, budget), N: n}
	}
	return []Row{row("kept", st.kept), row("on WA_EVENTS", st.onStream), row("in store", st.inStore)}, nil
}

// chatList measures the first page of chat.list over many chats.
func (b *bench) chatList(ctx context.Context) ([]Row, error) {
	n := b.store.Chats
	// One message per chat makes every chat of the history distinct.
	if _, err := b.wab.syncHistory(ctx, sessionChats, n, n); err != nil {
		return nil, fmt.Errorf("filling %d chats: %w", n, err)
	}
	return b.query(ctx, fmt.Sprintf("store chat.list %d chats", n), sessionChats, "/chats", func(data json.RawMessage) error {
		var rows []json.RawMessage
		if err := json.Unmarshal(data, &rows); err != nil || len(rows) != min(n, 50) {
			return fmt.Errorf("GET /chats: %d chats (%v), want %d", len(rows), err, min(n, 50))
		}
		return nil
	})
}

// chatMessages measures a page of 50 in one chat holding many messages.
func (b *bench) chatMessages(ctx context.Context) ([]Row, error) {
	n := b.store.ChatMessages
	st, err := b.wab.syncHistory(ctx, sessionDeep, n, 1)
	if err != nil {
		return nil, fmt.Errorf("filling one chat with %d messages: %w", n, err)
	}
	path := "/chat/" + url.PathEscape(st.lastChat) + "/messages?limit=50"
	return b.query(ctx, fmt.Sprintf("store chat.messages %d", n), sessionDeep, path, func(data json.RawMessage) error {
		var page struct {
			Messages []json.RawMessage `json:"messages"`
		}
		if err := json.Unmarshal(data, &page); err != nil || len(page.Messages) != min(n, 50) {
			return fmt.Errorf("GET %s: %d messages (%v), want %d", path, len(page.Messages), err, min(n, 50))
		}
		return nil
	})
}

// query measures GET path one request at a time, each answer checked.
func (b *bench) query(ctx context.Context, name, sess, path string, check func(json.RawMessage) error) ([]Row, error) {
	header := map[string]string{"X-Session": sess}
	s, err := drive(ctx, b.with(1), func(ctx context.Context, _, _ int) error {
		ctx, cancel := context.WithTimeout(ctx, opTimeout)
		defer cancel()
		status, env, err := b.wab.call(ctx, http.MethodGet, path, nil, header)
		if err := expectOK(status, env, err); err != nil {
			return fmt.Errorf("GET %s: %w", path, err)
		}
		return check(env.Data)
	})
	if err != nil {
		return nil, err
	}
	budget := micros(targetQuery)
	var rows []Row
	for _, p := range []float64{50, 99} {
		w := micros(s.Percentile(p))
		rows = append(rows, Row{Scenario: name, Metric: fmt.Sprintf("p%g", p), Kind: KindLatency, Unit: "µs",
			Baseline: budget, Wabridge: w, Ratio: ratio(w, budget), N: s.Count})
	}
	return rows, nil
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// synced is how long a history sync took to each stage, and the chat of
// the last message.history on the stream.
type synced struct {
	kept, onStream, inStore time.Duration
	lastChat                string
}

// syncHistory logs sess in with a history of n messages over chats chats
// (0: the sandbox's default) and waits until all of it is on WA_EVENTS and
// the last of it in the store. The stream is watched by a consumer that is
// never fetched from: its pending count is what arrived, without the bench
// decoding n events on the cores wabridge runs on.
func (t *target) syncHistory(ctx context.Context, sess string, n, chats int) (synced, error) {
	var st synced
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	filter := fmt.Sprintf("wa.%s.evt.*.message.history", sess)
	stream, err := t.js.Stream(ctx, "WA_EVENTS")
	if err != nil {
		return st, fmt.Errorf("looking up WA_EVENTS: %w", err)
	}
	cons, err := stream.CreateConsumer(ctx, jetstream.ConsumerConfig{
		FilterSubject: filter, AckPolicy: jetstream.AckNonePolicy, InactiveThreshold: syncTimeout,
	})
	if err != nil {
		return st, fmt.Errorf("watching %s: %w", filter, err)
	}
	defer func() { _ = stream.DeleteConsumer(context.WithoutCancel(ctx), cons.CachedInfo().Name) }()
	header := map[string]string{"X-Session": sess}
	start := time.Now()
	scanned := make(chan error, 1)
	go func() {
		status, env, err := t.callLong(ctx, "/sandbox/scan", map[string]int{"history": n, "history_chats": chats}, header)
		if err := expectOK(status, env, err); err != nil {
			scanned <- fmt.Errorf("POST /sandbox/scan: %w", err)
			return
		}
		st.kept = time.Since(start)
		scanned <- nil
	}()
	if st.onStream, err = waitPending(ctx, cons, uint64(n), start); err != nil {
		return st, err
	}
	if err := <-scanned; err != nil {
		return st, err
	}
	chat, text, err := lastHistory(ctx, stream, filter)
	if err != nil {
		return st, err
	}
	st.lastChat = chat
	if err := t.waitNewest(ctx, sess, chat, text); err != nil {
		return st, err
	}
	st.inStore = time.Since(start)
	return st, nil
}

// waitPending polls the consumer until want messages match its filter.
func waitPending(ctx context.Context, cons jetstream.Consumer, want uint64, start time.Time) (time.Duration, error) {
	for {
		info, err := cons.Info(ctx)
		if err != nil {
			return 0, fmt.Errorf("reading the history watcher: %w", err)
		}
		if info.NumPending >= want {
			return time.Since(start), nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("%d of %d message.history on WA_EVENTS: %w", info.NumPending, want, ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// lastHistory is the chat and text of the last message.history on the
// stream: the projector applies in stream order, so once the store shows it
// every earlier one is in too.
func lastHistory(ctx context.Context, s jetstream.Stream, filter string) (chat, text string, err error) {
	raw, err := s.GetLastMsgForSubject(ctx, filter)
	if err != nil {
		return "", "", fmt.Errorf("reading the last %s: %w", filter, err)
	}
	e, err := cenats.Decode(raw.Header, raw.Data)
	if err != nil {
		return "", "", fmt.Errorf("decoding the last %s: %w", filter, err)
	}
	var data struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(e.Data(), &data); err != nil {
		return "", "", fmt.Errorf("decoding the last %s's data: %w", filter, err)
	}
	return e.Subject(), data.Text, nil
}

// waitNewest polls chat.messages until chat's newest message has text.
func (t *target) waitNewest(ctx context.Context, sess, chat, text string) error {
	path := "/chat/" + url.PathEscape(chat) + "/messages?limit=1"
	header := map[string]string{"X-Session": sess}
	for {
		status, env, err := t.call(ctx, http.MethodGet, path, nil, header)
		var page struct {
			Messages []struct {
				Message string `json:"message"`
			} `json:"messages"`
		}
		// NOT_FOUND until the chat's first event is applied.
		if err == nil && status == http.StatusOK && json.Unmarshal(env.Data, &page) == nil &&
			len(page.Messages) == 1 && page.Messages[0].Message == text {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %q in the store's %s (last answer %d %s): %w", text, chat, status, env.Code, ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// callLong is call for a request that may take longer than the client's
// timeout (a history scan answers once all of it is kept); ctx bounds it.
func (t *target) callLong(ctx context.Context, path string, body any, header map[string]string) (int, envelope, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, envelope{}, fmt.Errorf("encoding body: %w", err)
	}
	return postJSON(ctx, &http.Client{Transport: t.http.Transport}, t.httpURL+path, raw, header)
}
