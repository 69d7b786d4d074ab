package sandbox

// ring keeps the last size deliveries without reallocating on every add.
type ring struct {
	buf   []Delivery
	start int // index of the oldest element once the ring is full
	size  int
}

func newRing(size int) *ring { return &ring{size: size} }

func (r *ring) add(d Delivery) {
	if len(r.buf) < r.size {
		r.buf = append(r.buf, d)
		return
	}
	r.buf[r.start] = d
	r.start = (r.start + 1) % r.size
}

// items returns a copy, oldest first.
func (r *ring) items() []Delivery {
	out := make([]Delivery, 0, len(r.buf))
	out = append(out, r.buf[r.start:]...)
	out = append(out, r.buf[:r.start]...)
	for i := range out {
		out[i].Mentions = append([]string(nil), out[i].Mentions...)
	}
	return out
}

func (r *ring) reset() {
	r.buf = nil
	r.start = 0
}
