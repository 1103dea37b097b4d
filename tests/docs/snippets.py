"""The code blocks of README.md and docs/*.md, as tests/docs/run_docs.py
sees them (the convention is in docs/CONTRIBUTING.md).

A fenced block is a complete program unless the nearest non-blank line
above its fence is an HTML comment starting `<!-- fragment`. A cmake
block is a complete CMakeLists.txt building `app.c`: the last complete C
block above it in the same file.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w+-]*)\s*$")
FRAGMENT = re.compile(r"^\s*<!--\s*fragment\b.*-->\s*$")

# What a snippet promises: the names it gives spans and instruments. The
# first string literal of these calls (C passes the tracer or meter first;
# `.start(` is the Rust API's tracer.start).
SPAN_CALL = re.compile(
    r"\b(?:otel_tracer_start_span|start_as_current_span|start_span|with_span|in_span|(?<=\.)start)"
    r"\(\s*(?:[A-Za-z_][\w>.-]*\s*,\s*)?\"([^\"]+)\"")
METRIC_CALL = re.compile(
    r"(?:\botel_meter_(?:counter|up_down_counter|histogram|gauge)_(?:i64|f64)\(\s*\w+(?:\([^()]*\))?\s*,\s*"
    r"|\botel_meter_create_instrument\(\s*&?\w+\s*,\s*\w+\s*,\s*\w+\s*,\s*\w+\s*,\s*"
    r"|\bcreate_(?:counter|up_down_counter|histogram|gauge)\(\s*"
    r"|:(?:counter|up_down_counter|histogram|gauge)(?:_f64)?\(\s*)\"([^\"]+)\"")
# Where its spans go when it says so itself (else: the receiver).
CONSOLE = re.compile(r"\botel_exporter_console_new\b|OTEL_TRACES_EXPORTER\W+console")
MEMORY = re.compile(r"\botel_exporter_in_memory_new\b|exporter=\"memory\"")  # checks itself
FILE = re.compile(r"\botel_exporter_file_new\(\s*&?\w+\s*,\s*\"([^\"]+)\"|OTEL_CORE_EXPORTER_FILE_PATH=([\w./-]+)")


@dataclass
class Snippet:
    path: Path          # the Markdown file
    line: int           # line of the opening fence, 1-based
    lang: str           # as written after the fence ("" for none)
    code: str
    fragment: bool
    app_c: "Snippet | None" = None   # cmake: the C program it builds
    spans: list = field(default_factory=list)
    metrics: list = field(default_factory=list)
    sink: str = "receiver"   # or "stdout", "file:<path>" (where it runs), "self" (in-memory)

    @property
    def where(self):
        return "%s:%d" % (self.path.name if self.path.parent.name != "docs" else "docs/" + self.path.name,
                          self.line)

    @property
    def tag(self):  # a resource attribute value naming the snippet
        return self.where.replace("/", "-").replace(":", "-L")


def _promises(code):
    seen = lambda xs: list(dict.fromkeys(xs))  # noqa: E731 - keep order, drop repeats
    return seen(SPAN_CALL.findall(code)), seen(METRIC_CALL.findall(code))


def parse(path):
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    out, i, last_c = [], 0, None
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, lang, start = len(m.group("indent")), m.group("lang"), i
        body = []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        i += 1
        above = start - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        frag = above >= 0 and bool(FRAGMENT.match(lines[above]))
        s = Snippet(Path(path), start + 1, lang, "\n".join(body) + "\n", frag)
        if not frag:
            s.spans, s.metrics = _promises(s.code)
            f = FILE.search(s.code)
            if f:
                s.sink = "file:" + (f.group(1) or f.group(2))
            elif CONSOLE.search(s.code):
                s.sink = "stdout"
            elif MEMORY.search(s.code):
                s.sink = "self"
            if lang == "c":
                last_c = s
            elif lang == "cmake":
                s.app_c = last_c
                if last_c:
                    s.spans, s.metrics, s.sink = last_c.spans, last_c.metrics, last_c.sink
        out.append(s)
    return out
