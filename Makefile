# Thin wrapper: set-up, configure, build, run, test. CMake does the real work.
#   make run    builds everything and boots the guest in vmm, printing what it did
#   make test   builds everything and runs every test (CTest)
BUILD ?= build
JOBS  ?= $(shell nproc)

.PHONY: all setup configure build run test clean

all: build

setup:
	@tools/setup

configure: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@tools/run-guest $(BUILD)

# on a failure, tools/test-failures repeats at the end what each failed test said
test: build
	@cd $(BUILD) && ctest --output-on-failure --timeout 900 -j $(JOBS) || \
		{ st=$$?; cd $(CURDIR) && tools/test-failures $(BUILD); exit $$st; }

clean:
	@rm -rf $(BUILD)/CMakeFiles $(BUILD)/CMakeCache.txt $(BUILD)/vmm $(BUILD)/guest $(BUILD)/arm64
