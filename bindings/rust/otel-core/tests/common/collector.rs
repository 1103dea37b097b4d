//! The real OpenTelemetry Collector of tests/interop/collector, started on
//! loopback with an OTLP/HTTP receiver and a file exporter, as
//! tests/polyglot/run.sh runs it.
#![allow(dead_code)]
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Collector {
    child: Child,
    pub endpoint: String,
    pub out: PathBuf,
    dir: PathBuf,
}

fn binary() -> PathBuf {
    if let Some(b) = std::env::var_os("OTEL_COLLECTOR_BIN") {
        return b.into();
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/interop/collector/build.sh");
    let out = Command::new(script).stderr(Stdio::inherit()).output().expect("run tests/interop/collector/build.sh");
    assert!(out.status.success(), "the collector did not build");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().lines().last().expect("build.sh printed no path").trim())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Collector {
    pub fn start() -> Collector {
        let dir = std::env::temp_dir().join(format!("otel-rust-collector-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        let out = dir.join("traces.jsonl");
        let config = format!(
            "receivers:\n  otlp:\n    protocols:\n      http: {{endpoint: \"127.0.0.1:{port}\"}}\n\
             exporters:\n  file: {{path: \"{}\", flush_interval: 100ms}}\n\
             service:\n  telemetry:\n    metrics: {{level: none}}\n  pipelines:\n    traces: {{receivers: [otlp], exporters: [file]}}\n",
            out.display()
        );
        std::fs::write(dir.join("config.yaml"), config).unwrap();
        let log = std::fs::File::create(dir.join("collector.log")).unwrap();
        let child = Command::new(binary())
            .arg("--config")
            .arg(dir.join("config.yaml"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start the collector");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the collector did not listen on {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Collector { child, endpoint: format!("http://127.0.0.1:{port}"), out, dir }
    }

    /// Every span the Collector wrote, as (resourceSpans line, span JSON),
    /// waiting until at least `want` arrived.
    pub fn spans(&self, want: usize) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut spans = Vec::new();
            if let Ok(f) = std::fs::File::open(&self.out) {
                for line in std::io::BufReader::new(f).lines().map_while(Result::ok) {
                    let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
                    for rs in v["resourceSpans"].as_array().into_iter().flatten() {
                        for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                            spans.extend(ss["spans"].as_array().into_iter().flatten().cloned());
                        }
                    }
                }
            }
            if spans.len() >= want || Instant::now() > deadline {
                return spans;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
