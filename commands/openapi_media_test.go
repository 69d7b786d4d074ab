package commands_test

import "testing"

func TestOpenAPIDescribesMedia(t *testing.T) {
	doc, _ := openAPIDoc(t)
	paths, _ := doc["paths"].(map[string]any)
	item, _ := paths["/media/{id}"].(map[string]any)
	get, _ := item["get"].(map[string]any)
	responses, _ := get["responses"].(map[string]any)
	for _, status := range []string{"200", "206", "304", "404", "416"} {
		if responses[status] == nil {
			t.Errorf("GET /media/{id} documents no %s", status)
		}
	}
}
