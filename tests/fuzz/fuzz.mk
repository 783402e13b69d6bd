# fuzz.mk: the fuzz harnesses of tests/fuzz (included by the Makefile).
# `make fuzz [FUZZ_SECONDS=N]` builds each harness with clang
# -fsanitize=fuzzer,address,undefined into build/fuzz and runs it for N
# seconds (default 60) from its seed corpus (tests/fuzz/run.sh); any crash,
# leak, timeout or sanitizer report fails. `make test` builds the same
# harnesses with gcc's sanitizers and a plain main (replay.c) into
# build/asan/replay and replays the seed and regression corpora through them
# (tests/test_fuzz.sh), and without sanitizers into build/replay for the
# allocation-failure test (tests/test_alloc.sh, tests/fuzz/failmalloc.c).

FUZZ_SECONDS ?= 60
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_SUPPORT := tests/fuzz/support.c
FUZZ_SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: fuzz fuzzers replay alloc-tools

fuzz:
	@sh scripts/install-deps.sh fuzz
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang VECFLAGS= OPT=-O1 SAN=1 \
	    SANFLAGS="$(FUZZ_SANFLAGS)" fuzzers
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) build/fuzz $(FUZZ_NAMES)

# With BUILD=build/fuzz CC=clang (as make fuzz calls it).
fuzzers: $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SUPPORT) tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Isrc -o $@ $< $(FUZZ_SUPPORT) $(LIB) $(LIBS)

# The same harnesses with a plain main, for make test: with SAN=1
# BUILD=build/asan for tests/test_fuzz.sh, and without sanitizers (and with
# the allocation-failure injector) for tests/test_alloc.sh.
replay: $(FUZZ_NAMES:%=$(BUILD)/replay/replay_%)

alloc-tools: replay $(BUILD)/tools/failmalloc.so

$(BUILD)/replay/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_SUPPORT) tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< tests/fuzz/replay.c $(FUZZ_SUPPORT) $(LIB) $(LIBS)

# The allocation-failure injector of tests/test_alloc.sh (LD_PRELOAD).
$(BUILD)/tools/failmalloc.so: tests/fuzz/failmalloc.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -g -fPIC -shared -o $@ $<
