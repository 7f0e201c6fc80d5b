# platformctl developer entry points (GNU make). `make help` lists them.
# Everything goes through CMakePresets.json (dev / asan / release / ci-release); the binary
# of the dev preset is build/dev/platformctl.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
MAKEFLAGS += --no-print-directory
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# helm and kubectl fetched by scripts/install-deps.sh live here; tests find them on PATH.
export PATH := $(CURDIR)/.tools/bin:$(PATH)

JOBS ?= 2
DEMO_CMD ?= plan --profile profiles/overlay-staging.env
CLANG_FORMAT ?= clang-format
CLANG_TIDY ?= clang-tidy
CTEST_ARGS ?=
FUZZ_ARGS ?=

FORMAT_FILES = $(shell find src include tests -type f \( -name '*.cc' -o -name '*.h' \) \
                 -not -path 'tests/fuzz/corpus*' | sort)
TIDY_FILES = $(shell find src -type f -name '*.cc' | sort)

.PHONY: help deps build release ci-release package demo test asan fuzz format format-check tidy golden bench \
        clean distclean

help: ## list the targets
	@echo "platformctl developer targets (make TARGET):"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  %-13s %s\n", $$1, $$2}' \
	  $(MAKEFILE_LIST)
	@echo "variables: JOBS=$(JOBS) DEMO_CMD='$(DEMO_CMD)' CTEST_ARGS='$(CTEST_ARGS)'"

deps: ## install missing Debian packages, fetch helm/kubectl into .tools/bin (idempotent)
	@bash scripts/install-deps.sh

# Configure a preset once; `cmake --build` re-runs CMake itself when CMakeLists
# change. Re-configured when CMakePresets.json changes.
build/%/build.ninja: CMakePresets.json | deps
	cmake --preset $*
	@touch $@

build: build/dev/build.ninja ## configure + build the dev preset (Debug, -Werror)
	cmake --build --preset dev -j$(JOBS)

release: build/release/build.ninja ## configure + build the release preset (Release, warnings not errors)
	cmake --build --preset release -j$(JOBS)

ci-release: build/ci-release/build.ninja ## build the ci-release preset (Release, -Werror) + run its tests
	cmake --build --preset ci-release -j$(JOBS)
	ctest --preset ci-release -j$(JOBS) $(CTEST_ARGS)

package: release ## build the release preset, then the .deb (cpack -G DEB) in build/release
	cd build/release && rm -f platformctl_*.deb && cpack -G DEB
	@dpkg -c build/release/platformctl_*.deb

demo: build ## build, then run: platformctl -C . $(DEMO_CMD)
	./build/dev/platformctl -C . $(DEMO_CMD)

test: build ## build dev and run the whole test suite (ctest)
	ctest --preset dev -j$(JOBS) $(CTEST_ARGS)

asan: build/asan/build.ninja ## build + run the whole test suite under ASan + UBSan
	cmake --build --preset asan -j$(JOBS)
	ctest --preset asan -j$(JOBS) $(CTEST_ARGS)

fuzz: ## build and run the libFuzzer targets (scripts/fuzz.sh; needs clang-14)
	@WITH_FUZZ=1 bash scripts/install-deps.sh
	@test -f scripts/fuzz.sh || { echo "make fuzz: scripts/fuzz.sh is missing" >&2; exit 1; }
	bash scripts/fuzz.sh $(FUZZ_ARGS)

format: | deps ## clang-format -i every .cc/.h under src include tests
	$(CLANG_FORMAT) -i $(FORMAT_FILES)

format-check: | deps ## fail if any .cc/.h is not clang-formatted
	@$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_FILES) || \
	  { echo "format-check: files above are not formatted; run 'make format'" >&2; exit 1; }
	@echo "format-check: $(words $(FORMAT_FILES)) files formatted"

tidy: build/dev/build.ninja ## clang-tidy (.clang-tidy checks) on src/**/*.cc
	@WITH_TIDY=1 bash scripts/install-deps.sh
	@printf '%s\n' $(TIDY_FILES) | \
	  xargs -P$(JOBS) -n4 $(CLANG_TIDY) -p build/dev --quiet --extra-arg=-Wno-unknown-warning-option 2> >(grep -v ' warnings generated\.$$' >&2)
	@echo "tidy: $(words $(TIDY_FILES)) files clean"

golden: build ## regenerate golden files (scripts/update-golden.sh) with build/dev/platformctl
	@test -f scripts/update-golden.sh || \
	  { echo "make golden: scripts/update-golden.sh is missing" >&2; exit 1; }
	PLATFORMCTL_BINARY=$(CURDIR)/build/dev/platformctl bash scripts/update-golden.sh

bench: release ## start-up benchmarks (bench/*.sh) against build/release/platformctl
	@rc=0; for b in bench/*.sh; do echo "== $$b"; bash "$$b" || rc=1; done; exit $$rc

clean: ## remove build trees
	rm -rf build

distclean: clean ## also remove .tools/ (fetched helm/kubectl) and artifacts/
	rm -rf .tools artifacts
