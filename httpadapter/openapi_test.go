package httpadapter_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/wabridge/wabridge/httpadapter"
)

func TestOpenAPIServed(t *testing.T) {
	nc := startNATS(t)
	doc := []byte(`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}` + "\n")
	tests := []struct {
		name       string
		doc        []byte
		auth       httpadapter.Auth
		header     map[string]string
		wantStatus int
	}{
		{name: "no auth configured", doc: doc, wantStatus: http.StatusOK},
		{name: "auth configured, none sent", doc: doc, auth: httpadapter.Auth{BearerTokens: []string{"s3cret"}},
			wantStatus: http.StatusUnauthorized},
		{name: "auth configured and sent", doc: doc, auth: httpadapter.Auth{BearerTokens: []string{"s3cret"}},
			header: map[string]string{"Authorization": "Bearer s3cret"}, wantStatus: http.StatusOK},
		{name: "no document configured", wantStatus: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, nc, func(c *httpadapter.Config) { c.OpenAPI, c.Auth = tt.doc, tt.auth })
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/openapi.json", nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if string(body) != string(doc) {
				t.Errorf("body %q, want the document given", body)
			}
		})
	}
}

func TestOpenAPIMustBeJSON(t *testing.T) {
	_, err := httpadapter.New(httpadapter.Config{Bus: startNATS(t), Log: discard(), OpenAPI: []byte("{not json")})
	if err == nil {
		t.Error("New accepted an OpenAPI document that is not JSON")
	}
}
