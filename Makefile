# Thin wrapper over CMake presets. The two commands of the README:
#   make demo   install missing Debian packages, build, run the demo election
#   make check  build and run every test (normal build, then ASan+UBSan build)

WERROR ?= OFF
DEMO_ARGS ?=

.PHONY: all deps build demo check check-default check-asan bench clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake --preset default -DCANVASS_WERROR=$(WERROR) >/dev/null
	@cmake --build --preset default

demo: build
	@./build/default/canvass demo $(DEMO_ARGS)

check-default: deps
	@cmake --preset default -DCANVASS_WERROR=$(WERROR) >/dev/null
	@cmake --build --preset default
	@ctest --preset default

check-asan: deps
	@cmake --preset asan -DCANVASS_WERROR=$(WERROR) >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan

check: check-default check-asan

bench: build
	@./bench/run.sh

clean:
	rm -rf build
