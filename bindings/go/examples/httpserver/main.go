// An HTTP server and its client instrumented with otelhttp on this SDK:
// one trace across both. /healthz reports the SDK's Stats(); SIGTERM (or
// Ctrl-C) shuts the server down, then flushes the spans within 5 s.
//
//	go run ./examples/httpserver    # serves 127.0.0.1:8080 (EXAMPLE_ADDR), calls itself once
package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"

	"libotel_core/otelcore"
)

func main() {
	tp := otelcore.NewTracerProvider(otelcore.WithServiceName("go-http-example"))
	otel.SetTracerProvider(tp)
	prop, err := otelcore.NewPropagator() // OTEL_PROPAGATORS, default tracecontext,baggage
	if err != nil {
		log.Fatal(err)
	}
	otel.SetTextMapPropagator(prop)

	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello\n") })
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		st := tp.Stats()
		if st.ExportErrors > 0 && time.Since(st.LastExport) > time.Minute {
			w.WriteHeader(http.StatusServiceUnavailable) // exports failing for a minute
		}
		json.NewEncoder(w).Encode(st)
	})
	addr := os.Getenv("EXAMPLE_ADDR") // the tests pick a free port
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: otelhttp.NewHandler(mux, "server")}
	go func() {
		if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()

	// the client side: a request from a span of ours, context propagated
	client := http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}
	ctx, span := otel.Tracer("example").Start(context.Background(), "call hello")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+l.Addr().String()+"/hello", nil)
	resp, err := client.Do(req)
	if err != nil {
		span.RecordError(err)
		log.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	span.End()

	stop, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancel()
	if os.Getenv("EXAMPLE_ONESHOT") == "" {
		<-stop.Done()
	}
	shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	srv.Shutdown(shutdown)
	if err := tp.Shutdown(shutdown); err != nil {
		log.Print("otel: ", err)
	}
}
