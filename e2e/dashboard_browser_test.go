package e2e_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDashboardInBrowser drives GET /dashboard in headless Chromium against
// a bridge that takes bearer tokens, the hardest case for a page: the
// browser cannot send the token by itself, so the page asks for it and
// sends it with every request, the event stream included (EventSource
// could not). It logs a session in by QR code, sees a message arrive live,
// pauses and filters the list, and sees a webhook's health.
func TestDashboardInBrowser(t *testing.T) {
	const token = "dash-token-1"
	b := startBridge(t, bridgeOpts{extra: append(webhookFlags(), "--sessions", "dash,dashqr", "--http-tokens", token)})
	// Started second, the browser closes first (cleanups run last in, first
	// out): an event stream still open would hold the bridge's shutdown.
	br := startBrowser(t)

	var hits atomic.Int64
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(receiver.Close)

	// Without credentials the page comes as the 401's body and asks for the token.
	br.do("open the page", chromedp.Navigate(b.httpURL+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("#token")))
	if msg := eval[string](br, `document.getElementById('auth-msg').textContent`); !strings.Contains(msg, "bearer token") {
		t.Fatalf("sign-in message %q", msg)
	}
	br.do("sign in", chromedp.SendKeys(chromedp.CSS("#token"), token), chromedp.Click(chromedp.CSS(`#token-form button`)))
	if eval[string](br, `sessionStorage.getItem('wabridge.token')`) != token {
		t.Fatal("the token is not kept in sessionStorage")
	}

	// Sessions and their state.
	sessionsNow := `Array.from(document.querySelectorAll('#sessions-body tr'), r => r.textContent).join(' | ')`
	until[bool](br, "both sessions listed, not logged in",
		`['dash','dashqr'].every(s => { const r = document.querySelector('#sessions-body tr[data-session="'+s+'"]');
		   return r && r.cells[1].textContent === 'not logged in' && !r.querySelector('button.login-btn').hidden; })`, sessionsNow)

	// QR login of dash: the QR shows, the sandbox scans it, the page follows.
	br.do("log in dash", chromedp.Click(chromedp.CSS(`#sessions-body tr[data-session="dash"] button.login-btn`)))
	loginNow := `document.getElementById('login').textContent + ' img=' + document.getElementById('login-qr').src.slice(0, 40)`
	until[bool](br, "the QR code shows",
		`(() => { const img = document.getElementById('login-qr');
		   return !img.hidden && img.src.startsWith('data:image/png;base64,') && img.complete && img.naturalWidth > 0; })()`, loginNow)
	until[bool](br, "the events stream is live", `document.getElementById('events-state').textContent === 'live'`,
		`document.getElementById('events-state').textContent`)
	if s := eval[string](br, `document.getElementById('events-session').value`); s != "dash" {
		t.Fatalf("events of session %q, want dash", s)
	}
	rest(b, token, "POST", "/sandbox/scan", "dash", map[string]any{})
	until[bool](br, "dash connected and the login panel says so",
		`document.querySelector('#sessions-body tr[data-session="dash"]').cells[1].textContent === 'connected' &&
		 document.getElementById('login-status').textContent.startsWith('Logged in') &&
		 document.getElementById('login-qr').hidden`, sessionsNow+` + ' // ' + `+loginNow)
	until[bool](br, "dash's account shown", `/@s\.whatsapp\.net/.test(document.querySelector('#sessions-body tr[data-session="dash"]').cells[2].textContent)`, sessionsNow)
	until[bool](br, "the login's session events arrived live", `document.querySelector('#events-body tr[data-type="io.wabridge.session.connected"]') !== null`,
		`document.getElementById('events-body').textContent`)

	// dashqr stays logged out; its login offers a QR and a pairing code.
	br.do("log in dashqr", chromedp.Click(chromedp.CSS(`#sessions-body tr[data-session="dashqr"] button.login-btn`)))
	until[bool](br, "dashqr's QR code shows", `document.getElementById('login-session').textContent === 'dashqr' && !document.getElementById('login-qr').hidden && document.getElementById('login-qr').naturalWidth > 0`, loginNow)
	br.do("ask for a pairing code", chromedp.SendKeys(chromedp.CSS("#code-phone"), "4915112345678"), chromedp.Click(chromedp.CSS("#code-form button")))
	until[bool](br, "the pairing code shows", `/enter [A-Z0-9]{4}-[A-Z0-9]{4}$/.test(document.getElementById('pair-code').textContent)`,
		`document.getElementById('pair-code').textContent`)
	br.do("close the login", chromedp.Click(chromedp.CSS("#login-close")))

	// A message from a virtual contact appears live, as text.
	const text = `hello <b>dashboard</b> & "friends"`
	rest(b, token, "POST", "/sandbox/inbound", "dash", map[string]any{"from": "4917611122233", "message": text})
	eventsNow := `document.getElementById('events-body').textContent`
	row := until[[]string](br, "the message appears in the live list",
		`(() => { const r = document.querySelector('#events-body tr[data-type="io.wabridge.message.received"]');
		   return r ? Array.from(r.cells, c => c.textContent) : null; })()`, eventsNow)
	if row[1] != "message.received" || row[2] != "dash" || row[3] != "4917611122233@s.whatsapp.net" || !strings.HasSuffix(row[4], text) {
		t.Fatalf("event row %q", row)
	}
	if eval[bool](br, `document.querySelector('#events-body b') !== null`) {
		t.Fatal("the message's markup became HTML in the page")
	}

	// Paused, the list holds still and counts what came; resumed, it shows it.
	br.do("pause", chromedp.Click(chromedp.CSS("#events-pause")))
	rest(b, token, "POST", "/sandbox/inbound", "dash", map[string]any{"from": "4917611122233", "message": "while paused"})
	until[bool](br, "the pause button counts the new event", `/^Resume \([1-9][0-9]* new\)$/.test(document.getElementById('events-pause').textContent)`,
		`document.getElementById('events-pause').textContent`)
	if eval[bool](br, `document.getElementById('events-body').textContent.includes('while paused')`) {
		t.Fatal("a paused list showed a new event")
	}
	br.do("resume", chromedp.Click(chromedp.CSS("#events-pause")))
	until[bool](br, "the event shows after resuming", `document.getElementById('events-body').textContent.includes('while paused')`, eventsNow)

	// The type filter keeps only that type.
	eval[bool](br, `(() => { const s = document.getElementById('events-type'); s.value = 'io.wabridge.message.received';
		s.dispatchEvent(new Event('change')); return true; })()`)
	types := eval[[]string](br, `Array.from(document.querySelectorAll('#events-body tr'), r => r.dataset.type)`)
	if len(types) != 2 || types[0] != "io.wabridge.message.received" || types[1] != types[0] {
		t.Fatalf("filtered list has types %q, want two message.received", types)
	}

	// A webhook created over REST is listed with its health, password masked.
	hookURL := strings.Replace(receiver.URL, "http://", "http://hookuser:hookpass@", 1) + "/hook"
	var created createdHook
	mustJSON(t, rest(b, token, "POST", "/webhooks", "", map[string]any{"url": hookURL, "events": []string{"io.wabridge.message.received"}}).Data, &created)
	rest(b, token, "POST", "/sandbox/inbound", "dash", map[string]any{"from": "4917611122233", "message": "for the webhook"})
	hookNow := `document.getElementById('webhooks').textContent`
	cells := until[[]string](br, "the webhook is listed with a last success",
		`(() => { refreshWebhooks(); const r = document.querySelector('#webhooks-body tr[data-id="`+created.ID+`"]');
		   return r && r.cells[3].textContent !== '—' ? Array.from(r.cells, c => c.textContent) : null; })()`, hookNow)
	if !strings.Contains(cells[0], "hookuser:xxxxx@") || cells[1] != "message.received" || cells[2] != "yes" ||
		cells[4] != "—" || cells[5] != "0" || cells[7] != "0" {
		t.Fatalf("webhook row %q", cells)
	}
	if hits.Load() == 0 {
		t.Fatal("the receiver got nothing, yet the page shows a success")
	}
	if eval[bool](br, `document.documentElement.outerHTML.includes('hookpass')`) {
		t.Fatal("the page shows the receiver's password")
	}
	checkSSEParser(t, br)
}

// checkSSEParser runs the page's event-stream reader on a stream cut at
// awkward places, then its reconnect loop against a stream that ends: the
// second request must resume with Last-Event-ID.
func checkSSEParser(t *testing.T, br *browser) {
	t.Helper()
	got := eval[string](br, `(async () => {
		const enc = new TextEncoder();
		const chunks = ['id: 41\r', '\nevent: x\r\ndata: {"a":\r\ndata: 1}\r\n\r', '\n: keep-alive\n\nid: 42\ndata:2\n\nda', 'ta: 3\rid: 43\r\r'];
		const body = new ReadableStream({ start(c) { for (const s of chunks) c.enqueue(enc.encode(s)); c.close(); } });
		const got = [];
		const saved = state.lastEventId;
		await readSSE(body, new AbortController().signal, (m) => got.push([m.id, m.type, m.data]));
		const last = state.lastEventId;
		state.lastEventId = saved;
		return JSON.stringify({ got, last });
	})()`)
	if want := `{"got":[["41","x","{\"a\":\n1}"],["42","message","2"],["43","message","3"]],"last":"43"}`; got != want {
		t.Errorf("SSE parse:\n got %s\nwant %s", got, want)
	}
	resumed := eval[string](br, `(async () => {
		timers.forEach(clearInterval);
		if (state.stream) state.stream.abort();
		const realFetch = window.fetch;
		const seen = [];
		window.fetch = async (path, init) => {
			const u = new URL(path);
			seen.push(u.pathname + (u.searchParams.has('since') ? '?since' : '') + ' ' + init.headers.get('Last-Event-ID'));
			const first = seen.length === 1;
			const body = new ReadableStream({ start(c) {
				if (first) { c.enqueue(new TextEncoder().encode('id: 7\ndata: {"type":"io.wabridge.test"}\n\n')); c.close(); }
			} });
			return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
		};
		const ctl = new AbortController();
		state.lastEventId = '';
		streamEvents('dash', ctl.signal, new Date());
		while (seen.length < 2) await new Promise((r) => setTimeout(r, 50));
		ctl.abort();
		window.fetch = realFetch;
		return seen.join(' | ');
	})()`)
	if want := "/events/stream?since null | /events/stream 7"; resumed != want {
		t.Errorf("reconnect requests %q, want %q", resumed, want)
	}
}

// TestDashboardBasicAuthInBrowser: with basic auth the browser holds the
// credentials, here given in the address as a bookmark would; the page's
// requests must not carry them in their URLs (fetch refuses those) and
// still get through.
func TestDashboardBasicAuthInBrowser(t *testing.T) {
	b := startBridge(t, bridgeOpts{extra: []string{"--sessions", "dash", "--http-basic-auth", "ann:pw-dash"}})
	br := startBrowser(t) // closes before the bridge stops, as above
	u := strings.Replace(b.httpURL, "http://", "http://ann:pw-dash@", 1)
	br.do("open the page", chromedp.Navigate(u+"/dashboard"))
	until[bool](br, "the session is listed",
		`(() => { const r = document.querySelector('#sessions-body tr[data-session="dash"]'); return r && r.cells[1].textContent === 'not logged in'; })()`,
		`document.body.textContent`)
	until[bool](br, "the events stream is live", `document.getElementById('events-state').textContent === 'live'`,
		`document.getElementById('events-state').textContent`)
	until[bool](br, "the webhooks are read", `document.getElementById('webhooks-msg').textContent.startsWith('No webhooks.')`,
		`document.getElementById('webhooks-msg').textContent`)
	if !eval[bool](br, `document.getElementById('auth').hidden`) {
		t.Fatal("the page asks for a token although the browser holds the credentials")
	}
}
