package otelcore_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"libotel_core/otelcore"
)

// collector starts the real OpenTelemetry Collector (OTELCORE_COLLECTOR
// names the binary tests/interop/collector/build.sh made) with an OTLP/HTTP
// receiver on a free loopback port and a file exporter; it returns the
// endpoint and the file.
func collector(t *testing.T) (endpoint, out string) {
	t.Helper()
	bin := os.Getenv("OTELCORE_COLLECTOR")
	if bin == "" {
		if os.Getenv("OTELCORE_REQUIRE_COLLECTOR") != "" {
			t.Fatal("OTELCORE_COLLECTOR is not set")
		}
		t.Skip("OTELCORE_COLLECTOR is not set (tests/go/run.sh sets it)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := t.TempDir()
	out = filepath.Join(dir, "out.jsonl")
	cfg := filepath.Join(dir, "config.yaml")
	yaml := fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http: {endpoint: "127.0.0.1:%d"}
exporters:
  file: {path: %q, flush_interval: 100ms}
service:
  telemetry:
    metrics: {level: none}
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
`, port, out)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config", cfg)
	logf, _ := os.Create(filepath.Join(dir, "collector.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for i := 0; i < 300; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr, out
		}
		time.Sleep(100 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "collector.log"))
	t.Fatalf("the collector did not listen on %s:\n%s", addr, b)
	return "", ""
}

type otlpSpan struct {
	TraceID      string `json:"traceId"`
	SpanID       string `json:"spanId"`
	ParentSpanID string `json:"parentSpanId"`
	Name         string `json:"name"`
	Kind         int    `json:"kind"`
	Attributes   []struct {
		Key   string `json:"key"`
		Value struct {
			StringValue *string `json:"stringValue"`
			IntValue    *string `json:"intValue"`
		} `json:"value"`
	} `json:"attributes"`
}

func (s otlpSpan) attr(k string) string {
	for _, a := range s.Attributes {
		if a.Key == k {
			if a.Value.StringValue != nil {
				return *a.Value.StringValue
			}
			if a.Value.IntValue != nil {
				return *a.Value.IntValue
			}
		}
	}
	return ""
}

// readCollected waits until the collector's file holds n spans.
func readCollected(t *testing.T, path string, n int) []otlpSpan {
	t.Helper()
	var spans []otlpSpan
	for i := 0; i < 100; i++ {
		spans = spans[:0]
		if f, err := os.Open(path); err == nil {
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<20), 1<<26)
			for sc.Scan() {
				var line struct {
					ResourceSpans []struct {
						ScopeSpans []struct {
							Spans []otlpSpan `json:"spans"`
						} `json:"scopeSpans"`
					} `json:"resourceSpans"`
				}
				if json.Unmarshal(sc.Bytes(), &line) == nil {
					for _, rs := range line.ResourceSpans {
						for _, ss := range rs.ScopeSpans {
							spans = append(spans, ss.Spans...)
						}
					}
				}
			}
			f.Close()
		}
		if len(spans) >= n {
			return spans
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the collector wrote %d spans, want %d", len(spans), n)
	return nil
}

// otelhttp on both sides of a request, this provider exporting over
// OTLP/HTTP to the real Collector: one trace, client op -> client HTTP span
// -> server HTTP span, with the HTTP attributes.
func TestOtelhttpTraceReachesCollector(t *testing.T) {
	endpoint, out := collector(t)
	tp, err := otelcore.NewTracerProviderChecked(otelcore.WithEndpoint(endpoint), otelcore.WithoutCGlobal(),
		otelcore.WithServiceName("go-otelhttp"), otelcore.WithSetting("OTEL_TRACES_EXPORTER", "otlp"))
	if err != nil {
		t.Fatal(err)
	}
	prop := otelcore.TraceContext()
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") })
	srv := httptest.NewServer(otelhttp.NewHandler(mux, "hello-server",
		otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(prop)))
	defer srv.Close()
	client := http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport,
		otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(prop))}

	ctx, op := tp.Tracer("client").Start(context.Background(), "client op")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/hello", nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	op.End()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tp.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	if st := tp.Stats(); st.SpansExported != 3 || st.Dropped() != 0 {
		t.Errorf("stats %+v", st)
	}

	spans := readCollected(t, out, 3)
	var opS, clientS, serverS otlpSpan
	for _, s := range spans {
		switch {
		case s.Name == "client op":
			opS = s
		case s.Kind == 3:
			clientS = s
		case s.Kind == 2:
			serverS = s
		}
	}
	if opS.SpanID == "" || clientS.SpanID == "" || serverS.SpanID == "" {
		t.Fatalf("spans %+v", spans)
	}
	if opS.TraceID != clientS.TraceID || clientS.TraceID != serverS.TraceID {
		t.Errorf("three traces: %s %s %s", opS.TraceID, clientS.TraceID, serverS.TraceID)
	}
	if opS.ParentSpanID != "" || clientS.ParentSpanID != opS.SpanID || serverS.ParentSpanID != clientS.SpanID {
		t.Errorf("parent chain: op %q <- client %q (parent %q) <- server parent %q",
			opS.SpanID, clientS.SpanID, clientS.ParentSpanID, serverS.ParentSpanID)
	}
	for _, c := range []struct {
		s    otlpSpan
		k, v string
	}{
		{serverS, "http.request.method", "GET"}, {serverS, "url.path", "/hello"},
		{serverS, "http.response.status_code", "200"}, {clientS, "http.request.method", "GET"},
		{clientS, "http.response.status_code", "200"}, {clientS, "server.address", "127.0.0.1"},
	} {
		if got := c.s.attr(c.k); got != c.v {
			t.Errorf("%s: %s = %q, want %q", c.s.Name, c.k, got, c.v)
		}
	}
}
