#!/usr/bin/env bash
# Runs the kernel tests under AddressSanitizer (C and Swift code: `swift test --sanitize=address`)
# and then UndefinedBehaviorSanitizer (the C kernels, compiled with clang's
# -fsanitize=undefined), debug builds. Any report fails the run: UBSan is made to abort at the
# first error (by default it prints and carries on, and the tests would still pass).
#
#   Fuzz/sanitize-kernels.sh                          ConvNetKernelsTests under both
#   Fuzz/sanitize-kernels.sh 'ConvNetKernelsTests|ConvNetTensorTests'
#   SANITIZERS=undefined Fuzz/sanitize-kernels.sh
#
# Both use SwiftPM's debug build folder, which each run rebuilds with its flags; release
# builds (.build/release) are untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-ConvNetKernelsTests}"
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:malloc_context_size=6"
# XCTest's own never-freed bookkeeping (see the file); leaks in ConvNet code are still reported.
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/xctest-lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
status=0
for sanitizer in ${SANITIZERS:-address undefined}; do
  echo "== $sanitizer: swift test --filter '$filter'" >&2
  log="/tmp/convnet-sanitize-$sanitizer.log"
  rc=0
  if [[ $sanitizer == undefined ]]; then
    # swiftc has no -sanitize=undefined on Linux; UBSan is a clang sanitizer and applies to the
    # C kernels, so they are compiled with it (aborting at the first report) and the test
    # binary is linked with its runtime. Swift code traps on overflow and bounds by itself.
    runtime="$(clang -print-resource-dir)/lib/linux/libclang_rt.ubsan_standalone-x86_64.a"
    nice -n 10 swift test --filter "$filter" \
      -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined -Xlinker "$runtime" \
      > "$log" 2>&1 || rc=$?
  else
    nice -n 10 swift test --sanitize="$sanitizer" --filter "$filter" > "$log" 2>&1 || rc=$?
  fi
  grep -E "runtime error|ERROR: (Address|Leak)Sanitizer|SUMMARY|Executed .* tests|error:" "$log" || true
  if [[ $rc != 0 ]] || grep -qE "runtime error|ERROR: (Address|Leak)Sanitizer" "$log"; then
    echo "-- $sanitizer: FAILED (exit $rc; log: $log)" >&2
    status=1
  else
    echo "-- $sanitizer: clean" >&2
  fi
done
exit $status
