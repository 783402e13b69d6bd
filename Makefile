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
LIB      := $(BUILD)/libactbench.a

.PHONY: all deps run test unit unit-asan bench clean
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory actbench

# Installs what is missing (as root on Debian), then checks again.
deps:
	@pkg-config --exists $(PKGS) 2>/dev/null && [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] \
	  || sh scripts/install-deps.sh

actbench: $(BUILD)/actbench
	@cp $< $@

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

$(BUILD)/bench_%: tests/bench/bench_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(LIB) $(LIBS)

unit: $(TEST_BIN)

run: all
	./actbench run configs/quick.yaml

# Every unit test binary and test script, then the unit tests again with
# -fsanitize=address,undefined in build/asan.
test: all
	@$(MAKE) --no-print-directory unit actbench
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT=-O1 unit
	@sh tests/run_all.sh $(BUILD) build/asan

bench: all
	@$(MAKE) --no-print-directory $(BUILD)/bench_data $(BUILD)/bench_engine
	$(BUILD)/bench_data
	OPENBLAS_NUM_THREADS=1 $(BUILD)/bench_engine

clean:
	rm -rf build actbench

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TEST_SUPPORT_OBJ:.o=.d)
