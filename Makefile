# actbench build. `make` builds ./actbench; `make test` runs every test (and
# the unit tests again under AddressSanitizer + UBSan); `make run` runs the
# default experiment; `make bench` measures the training step.
# Missing Debian packages are installed by scripts/install-deps.sh.

PKGS     := openblas yaml-0.1 libcjson zlib
CC       ?= cc
BUILD    ?= build
OPT      ?= -O2
# Vectorise the elementwise loops (selects need -fno-trapping-math); NaN and
# infinity semantics are untouched (no -ffast-math, no -ffinite-math-only).
VECFLAGS = -fno-trapping-math -fvect-cost-model=dynamic
CFLAGS_BASE = -std=c11 -D_GNU_SOURCE $(OPT) $(VECFLAGS) -g -Wall -Wextra -MMD -MP
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ifeq ($(SAN),1)
  CFLAGS_BASE += $(SANFLAGS)
  LDSAN = $(SANFLAGS)
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(CFLAGS_BASE) $(PKG_CFLAGS) $(CFLAGS)
LIBS       = $(PKG_LIBS) -lm $(LDSAN) $(LDFLAGS)

LIB_SRC  := $(sort $(wildcard src/core/*.c src/data/*.c src/config/*.c src/run/*.c src/report/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_SUPPORT := $(sort $(wildcard tests/support/*.c))
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(BUILD)/%.o)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
LIB      := $(BUILD)/libactbench.a

.PHONY: all deps run test test-slurm unit tools bench clean
# keep intermediate objects (tests/support) between builds
.SECONDARY:
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory actbench

# Installs the Debian packages that are missing (as root); quick when none is.
deps:
	@sh scripts/install-deps.sh

# copy then rename: a running ./actbench (a long sweep) does not block the build
actbench: $(BUILD)/actbench
	@cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/actbench: $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LIBS)

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(TEST_SUPPORT_OBJ) $(LIB) $(LIBS)

# Helper programs of the test scripts (tests/test_*.sh).
$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(LIB) $(LIBS)

$(BUILD)/bench_%: tests/bench/bench_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(LIB) $(LIBS)

unit: $(TEST_BIN)

tools: $(TOOL_BIN)

# The default experiment into build/ (results/quick holds the committed copy,
# see scripts/reproduce.sh); --resume makes a second `make run` instant.
run: all
	./actbench run configs/quick.yaml -o $(BUILD)/results/quick --resume
	./actbench report $(BUILD)/results/quick

# Every unit test binary and test script, then the unit tests again with
# -fsanitize=address,undefined in build/asan.
test: all
	@$(MAKE) --no-print-directory unit tools actbench
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT=-O1 unit build/asan/actbench
	@sh tests/run_all.sh $(BUILD) build/asan

# scripts/slurm against a real single-node Slurm started and stopped by
# tests/slurm/run.sh (as root); installs slurm-wlm and munge when missing.
test-slurm: all
	@sh scripts/install-deps.sh slurm
	@sh tests/slurm/run.sh

bench: all
	@$(MAKE) --no-print-directory $(BUILD)/bench_data $(BUILD)/bench_probe $(BUILD)/bench_engine
	$(BUILD)/bench_data
	$(BUILD)/bench_probe
	sh tests/bench/memory.sh
	OPENBLAS_NUM_THREADS=1 $(BUILD)/bench_engine

clean:
	rm -rf build actbench

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TEST_SUPPORT_OBJ:.o=.d) $(TOOL_BIN:=.d)
