package httpadapter

import (
	"fmt"
	"net/http"
	"strings"
)

// maxRanges bounds the ranges of one request: each is a part of the
// answer, and one out of order reopens the object. More is refused with
// 416, as RFC 9110 §14.2 lets a server refuse an excessive set of ranges;
// ranges that overlap to more than the object are answered whole by
// http.ServeContent.
const maxRanges = 16

// rangeCount is the number of ranges a Range header asks for (0 when it
// asks for none or is not a bytes range: ServeContent judges those).
func rangeCount(h string) int {
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok {
		return 0
	}
	n := 0
	for _, r := range strings.Split(spec, ",") {
		if strings.TrimSpace(r) != "" {
			n++
		}
	}
	return n
}

// refuseRanges answers 416 to a request for more than maxRanges ranges.
func refuseRanges(w http.ResponseWriter, size int64, n int) {
	w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", size))
	http.Error(w, fmt.Sprintf("%d ranges requested; at most %d are served at once", n, maxRanges), http.StatusRequestedRangeNotSatisfiable)
}
