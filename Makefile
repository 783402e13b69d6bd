# actbench build. `make` builds ./actbench; `make test` runs every test (and
# the unit tests again under AddressSanitizer + UBSan, and on the other BLAS
# backend); `make run` runs the default experiment, `make run-quick` the
# paper's five activations, `make run-cnn` the default CNN experiment;
# `make bench` measures the training step. Missing Debian packages are
# installed by scripts/install-deps.sh.

# BLAS backend of ab_gemm: openblas (default, in build/) or onednn (oneDNN's
# dnnl_sgemm, in build/onednn: the two builds never share an object).
BLAS     ?= openblas
ifeq ($(BLAS),onednn)
  BUILD  ?= build/onednn
  OTHER_BLAS := openblas
  OTHER_BUILD := build
  PKGS   := yaml-0.1 libcjson zlib
  # libdnnl-dev ships no .pc file: its Debian paths (/usr/include, the
  # multiarch lib directory) are the compiler's defaults
  BLAS_CFLAGS = -DAB_BLAS_ONEDNN $(shell pkg-config --cflags dnnl 2>/dev/null)
  BLAS_LIBS   = $(shell pkg-config --libs dnnl 2>/dev/null || echo -ldnnl) -lgomp
else ifeq ($(BLAS),openblas)
  BUILD  ?= build
  OTHER_BLAS := onednn
  OTHER_BUILD := build/onednn
  PKGS   := openblas yaml-0.1 libcjson zlib
else
  $(error BLAS=$(BLAS): expected openblas or onednn)
endif
CC       ?= cc
OPT      ?= -O2
# Vectorise the elementwise loops (selects need -fno-trapping-math); NaN and
# infinity semantics are untouched (no -ffast-math, no -ffinite-math-only), and
# no multiply-add is fused into one rounding (-ffp-contract=off, as -std=c11
# already implies): results stay the same bits on every x86-64 instruction set.
VECFLAGS = -fno-trapping-math -fvect-cost-model=dynamic -ffp-contract=off
CFLAGS_BASE = -std=c11 -D_GNU_SOURCE $(OPT) $(VECFLAGS) -g -Wall -Wextra -MMD -MP
# float-cast-overflow: gcc's undefined leaves it out (clang's, as make fuzz uses it, has it)
SANFLAGS = -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=all
ifeq ($(SAN),1)
  CFLAGS_BASE += $(SANFLAGS)
  LDSAN = $(SANFLAGS)
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(CFLAGS_BASE) $(PKG_CFLAGS) $(BLAS_CFLAGS) $(CFLAGS)
LIBS       = $(PKG_LIBS) $(BLAS_LIBS) -lm $(LDSAN) $(LDFLAGS)

LIB_SRC  := $(sort $(wildcard src/core/*.c src/core/simd/*.c src/data/*.c src/config/*.c src/run/*.c src/report/*.c))
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

# The source the build is made from (scripts/source-id.sh: the commit that
# last changed src/ or this file, "-dirty" when they differ from it; outside
# git a hash of them), recorded in every run file and printed by
# `actbench --version`. $(BUILD)/source_id is rewritten only when it
# changes, and then only source_id.o is compiled again.
SOURCE_ID := $(shell sh scripts/source-id.sh)
ifeq ($(SOURCE_ID),)
  $(error scripts/source-id.sh printed no source identifier)
endif
$(BUILD)/source_id: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SOURCE_ID)' | cmp -s - $@ 2>/dev/null || echo '$(SOURCE_ID)' > $@
$(BUILD)/src/run/source_id.o: $(BUILD)/source_id
$(BUILD)/src/run/source_id.o: ALL_CFLAGS += -DAB_SOURCE_ID='"$(SOURCE_ID)"'

.PHONY: all deps run run-quick run-cnn test test-slurm unit tools bench clean FORCE
# keep intermediate objects (tests/support) between builds
.SECONDARY:
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory actbench

# Installs the Debian packages that are missing (as root); quick when none is.
deps:
	@sh scripts/install-deps.sh

# copy then rename: a running ./actbench (a long sweep) does not block the
# build; compared, not dated, since the binary of either backend may be there
actbench: $(BUILD)/actbench FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

FORCE:

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

# bench_engine prints both backends' sgemm rates: it links both, whatever BLAS=;
# it times the step's parts through wrappers of these library functions
BOTH_BLAS_CFLAGS = $(shell pkg-config --cflags openblas 2>/dev/null)
BOTH_BLAS_LIBS   = $(shell pkg-config --libs openblas 2>/dev/null) -ldnnl -lgomp
BENCH_WRAP = ab_gemm ab_dense_forward ab_dense_backward_set ab_act_layer_forward \
             ab_act_layer_backward ab_xent_forward ab_xent_backward ab_optim_step_sq ab_optim_update_blocks \
             ab_net_train_step
$(BUILD)/bench_engine: tests/bench/bench_engine.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(BOTH_BLAS_CFLAGS) -Isrc -o $@ $< $(LIB) $(LIBS) $(BOTH_BLAS_LIBS) \
	  $(foreach f,$(BENCH_WRAP),-Wl,--wrap=$(f))

# bench_networks' reference is oneDNN's dnnl_sgemm whatever BLAS=: it links oneDNN
$(BUILD)/bench_networks: tests/bench/bench_networks.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(LIB) $(LIBS) -ldnnl -lgomp

unit: $(TEST_BIN)

tools: $(TOOL_BIN)

# The default experiment into build/ (dying ReLUs at a large learning rate,
# about a minute on 2 cores); --resume makes a second `make run` instant.
run: all
	./actbench run configs/first.yaml -o $(BUILD)/results/first --resume
	./actbench report $(BUILD)/results/first

# The paper's five activations in the MLP, 3 seeds (results/quick holds the
# committed copy, see scripts/reproduce.sh).
run-quick: all
	./actbench run configs/quick.yaml -o $(BUILD)/results/quick --resume
	./actbench report $(BUILD)/results/quick

# The default convolutional experiment (results/cnn_quick is the committed copy).
run-cnn: all
	./actbench run configs/cnn_quick.yaml -o $(BUILD)/results/cnn_quick --resume
	./actbench report $(BUILD)/results/cnn_quick

# Every unit test binary and test script, then the unit tests again with
# -fsanitize=address,undefined in build/asan and on the other BLAS backend
# in its own directory (tests/test_blas_backends.sh runs both binaries).
test: all
	@$(MAKE) --no-print-directory unit tools alloc-tools actbench
	@$(MAKE) --no-print-directory BLAS=openblas BUILD=build/asan SAN=1 OPT=-O1 unit replay build/asan/actbench
	@$(MAKE) --no-print-directory BLAS=$(OTHER_BLAS) unit $(OTHER_BUILD)/actbench
	@CHECK_SCHEMA=$(CURDIR)/$(BUILD)/tools/check_schema sh tests/run_all.sh $(BUILD) build/asan $(OTHER_BUILD)

# scripts/slurm against a real single-node Slurm started and stopped by
# tests/slurm/run.sh (as root); installs slurm-wlm and munge when missing.
test-slurm: all
	@sh scripts/install-deps.sh slurm
	@sh tests/slurm/run.sh

# bench_networks prints "machine efficiency NAME: F" and "eval efficiency
# NAME: F" per network (docs/benchmarks.md). The last two lines are "cnn
# efficiency: F" (bench_cnn, the CNN) and "efficiency: F" (bench_engine, the
# MLP): bench_engine's output is held back until bench_cnn's figure is
# repeated above its last line.
bench: all
	@$(MAKE) --no-print-directory $(BUILD)/bench_data $(BUILD)/bench_probe $(BUILD)/bench_cnn $(BUILD)/bench_networks $(BUILD)/bench_engine
	$(BUILD)/bench_data
	$(BUILD)/bench_probe
	sh tests/bench/memory.sh
	OPENBLAS_NUM_THREADS=1 $(BUILD)/bench_cnn > $(BUILD)/bench_cnn.txt; st=$$?; cat $(BUILD)/bench_cnn.txt; exit $$st
	OPENBLAS_NUM_THREADS=1 $(BUILD)/bench_networks
	@echo "OPENBLAS_NUM_THREADS=1 $(BUILD)/bench_engine"
	@OPENBLAS_NUM_THREADS=1 $(BUILD)/bench_engine > $(BUILD)/bench_engine.txt; st=$$?; \
	  sed '$$d' $(BUILD)/bench_engine.txt; grep '^cnn efficiency:' $(BUILD)/bench_cnn.txt; \
	  tail -n 1 $(BUILD)/bench_engine.txt; exit $$st

clean:
	rm -rf build actbench

# make fuzz (libFuzzer, clang) and the corpus replay of make test
include tests/fuzz/fuzz.mk

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TEST_SUPPORT_OBJ:.o=.d) $(TOOL_BIN:=.d)
