# The user contract: `make demo` and `make test` (see README.md).
# Each installs what is missing, builds with CMake, and runs.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_TSAN ?= build-tsan
BUILD_DEMO ?= build-demo
PREFIX     ?= /usr/local
JOBS       ?= 2
CMAKE_FLAGS = $(if $(filter true,$(CI)),-DOTEL_WERROR=ON,)

.PHONY: all deps build build-asan build-tsan demo test test-unit test-asan test-extra bench soak fuzz install uninstall abi-baseline clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DOTEL_SANITIZE=ON -DOTEL_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)

build-tsan: deps
	@cmake -S . -B $(BUILD_TSAN) -DCMAKE_BUILD_TYPE=Debug -DOTEL_TSAN=ON -DOTEL_BUILD_BENCH=OFF -DOTEL_BUILD_EXAMPLES=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_TSAN) -j $(JOBS)

# only what the demo needs, in a build dir of its own; quiet unless it fails
demo: deps
	@CMAKE_FLAGS="$(CMAKE_FLAGS)" scripts/demo.sh $(BUILD_DEMO)

test: build build-asan build-tsan
	@scripts/run-tests.sh $(BUILD) $(BUILD_ASAN) $(BUILD_TSAN)

bench: build
	@for b in $(BUILD)/bench/bench_*; do [ -x "$$b" ] && "$$b" || exit 1; done
	@if [ -x bench/run_extra.sh ]; then BUILD_DIR=$(BUILD) bench/run_extra.sh; fi
	@if [ -x bench/python/run.sh ]; then BUILD_DIR=$(BUILD) bench/python/run.sh; fi
	@if [ -x bench/rust/run.sh ]; then BUILD_DIR=$(BUILD) bench/rust/run.sh; fi
	@if [ -x bench/go/run.sh ]; then BUILD_DIR=$(BUILD) bench/go/run.sh; fi
	@if [ -f $(BUILD)/lua/otel_core_c.so ]; then LUA_CPATH="$(BUILD)/lua/?.so;;" LUA_PATH="bindings/lua/?.lua;;" lua5.4 bench/lua/bench.lua 2>/dev/null; fi
	@if [ -f $(BUILD)/ruby/otel_core_native.so ]; then ruby -I $(BUILD)/ruby -I bindings/ruby/lib bench/ruby/bench.rb 2>/dev/null; fi
	@$(BUILD)/bench/bench_machine

# The fault scenarios' long forms (minutes each): tests/faults/load.py.
soak: build
	@SOAK=1 tests/faults/run_load.sh

fuzz: deps
	@if [ -x tests/fuzz/run.sh ]; then tests/fuzz/run.sh; else echo "no fuzz targets yet"; fi

# PREFIX=/opt/otel, DESTDIR=/stage: see scripts/install.sh
install: build
	@scripts/install.sh $(BUILD) $(PREFIX)

uninstall:
	@scripts/uninstall.sh $(BUILD)

# The ABI baselines: abidw's dump of the library (every mapped symbol) and
# the list of pinned enum values (adds new constants; refuses changed ones).
abi-baseline: build
	@abidw --headers-dir include/otel --out-file tests/abi/libotel_core.abi $(BUILD)/libotel_core.so.1
	@echo "wrote tests/abi/libotel_core.abi"
	@python3 tests/abi/check_enums.py $${CC:-cc} include tests/abi/enums.txt --write

clean:
	@rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_TSAN) $(BUILD_DEMO)
