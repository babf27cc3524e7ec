#!/bin/sh
# The hardening half of the test command: builds the product with clang, AddressSanitizer and
# UBSan into ./build-asan, fuzzes the parsers for a bounded time (FUZZ_SECONDS, default 60),
# then runs the whole test suite once against that build. Expects packaging/install-deps.sh
# to have run. Findings: build-asan/artifacts/fuzz (crash inputs) and the test output.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DMYST_SANITIZE=ON -DMYST_FUZZ=ON -DMYST_BUILD_BENCH=OFF -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build build-asan --parallel "$(nproc)"

# Qt keeps global caches for the life of the process; leak reports would be about those.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The tests' bounds on peak memory are for the product as built for users (see test_cli_safety).
export MYST_SANITIZED=1

artifacts=build-asan/artifacts/fuzz
mkdir -p "$artifacts" build-asan/fuzz-corpus
cp tests/fuzz/corpus/* build-asan/fuzz-corpus/
echo "Fuzzing the parsers for ${FUZZ_SECONDS:-60} s"
build-asan/tests/fuzz_parsers build-asan/fuzz-corpus -max_total_time="${FUZZ_SECONDS:-60}" \
    -max_len=65536 -artifact_prefix="$artifacts/" -print_final_stats=1 2>build-asan/fuzz.log ||
    { tail -n 60 build-asan/fuzz.log; exit 1; }
grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|cov:" build-asan/fuzz.log | tail -n 3

# The realistic hosts' tests (label realhost: real dockerd and MariaDB per host, the desktop
# journeys) run once, in the first half: they drive the same binaries through the same code as
# the simulated hosts' end-to-end tests, which do run here, and twice they would not fit CI's
# time (about 20 minutes of serial runs each time).
echo "The test suite under AddressSanitizer and UBSan (without the realistic hosts)"
cd build-asan
ctest --output-on-failure --parallel 2 --timeout 900 -LE realhost
