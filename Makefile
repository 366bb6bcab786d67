# xsnet: the two commands of the README.
#   make run    installs what is missing, builds in release mode and runs the main job
#   make test   installs what is missing and runs the whole test suite
.PHONY: deps build run test bench format format-check fuzz fuzz-build

# Debian packages the build needs (OpenBLAS through pkg-config).
deps:
	@if ! pkg-config --exists openblas 2>/dev/null; then \
	  echo "installing libopenblas-dev pkg-config"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas-dev pkg-config >/dev/null; \
	fi

build: deps
	swift build -c release
	swift build -c release --product XSNetC

run: build
	.build/release/xsnet predict --model Models/C12-ensemble.xsnet --energy 0.56 --angle 36 --omega 0.02:0.5:0.02

test: deps format-check
	swift build --product XSNetC
	swift test

# The Swift sources in the project's format (.swift-format); generated code is left as generated.
SWIFT_SOURCES = $(shell find Sources Tests -name '*.swift' -not -path '*/Generated/*') Package.swift

format:
	swift format format --in-place $(SWIFT_SOURCES)

# Fails on any line that `make format` would change (lines over 150 characters among them).
format-check:
	@swift format lint --strict $(SWIFT_SOURCES) || { echo "formatting differs from .swift-format: run make format"; exit 1; }

bench: build
	.build/release/xsnet bench train
	.build/release/xsnet bench predict

# Fuzzing with libFuzzer (the Swift toolchain's -sanitize=fuzzer, with AddressSanitizer): each
# target of Sources/XSFuzz in turn, for FUZZ_SECONDS seconds or FUZZ_RUNS inputs, starting from
# Tests/Fuzz/Corpus and growing .build-fuzz/corpus. A finding is written to .build-fuzz/findings/
# and stops the run: copy it to Tests/Fuzz/Regressions/<target>/ with the fix.
# FUZZ_SEED=0 lets libFuzzer choose a seed; CI gives one.
#   make fuzz FUZZ_SECONDS=600      make fuzz FUZZ_TARGETS=csv FUZZ_RUNS=1000000
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= -1
FUZZ_TARGETS ?= model-file checkpoint csv onnx
FUZZ_SEED ?= 0
FUZZ_FLAGS = -timeout=1 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 -seed=$(FUZZ_SEED)

fuzz-build: deps
	swift build -c release --scratch-path .build-fuzz --product xsnet-fuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DXSNET_LIBFUZZER

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$t .build-fuzz/findings; \
	  echo "fuzzing $$t"; \
	  XSNET_FUZZ_TARGET=$$t .build-fuzz/release/xsnet-fuzz .build-fuzz/corpus/$$t Tests/Fuzz/Corpus/$$t \
	    -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) $(FUZZ_FLAGS) -artifact_prefix=.build-fuzz/findings/$$t- || exit 1; \
	done
