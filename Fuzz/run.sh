#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/Targets and runs each for a fixed number of executions.
#
#   Fuzz/run.sh                       build and run every target, 1,000,000 executions each
#   Fuzz/run.sh png jpeg              only these targets
#   RUNS=100000 MAX_TIME=600 Fuzz/run.sh
#   BUILD_ONLY=1 Fuzz/run.sh
#
# Why not SwiftPM: `swift build -Xswiftc -sanitize=fuzzer` fails to link (SwiftPM passes
# `--defsym main=<Module>_main`, and libFuzzer brings its own main). So each library module the
# targets need is compiled here with swiftc, one whole-module object per module, instrumented
# with `-sanitize=fuzzer,address`; the C kernels (below ConvNetTensor) are compiled with clang
# under `-fsanitize=fuzzer-no-link,address`. Each target is one file with an
# `@_cdecl("LLVMFuzzerTestOneInput")` entry, linked against those objects.
#
# Each run starts from Fuzz/Corpus/<target> (the committed seeds) plus a scratch corpus in
# Fuzz/.build/corpus/<target>; findings (crash-*, leak-*, timeout-*, oom-*) go to
# Fuzz/.build/findings/<target>/. A summary line per target is appended to
# Fuzz/.build/results.tsv: target, executions, seconds, findings (files written to findings/),
# libFuzzer's exit status (0: no finding).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$here/.build"
runs="${RUNS:-1000000}"
max_time="${MAX_TIME:-1800}"       # 30 minutes per target at most
# One input slower than this (wall clock) is a finding. Generous because the machine this ran
# on was shared (load 12–14 on 2 cores): a 0.9 s CPU decode of a 63233×24 progressive JPEG,
# instrumented and niced, took over 10 s of wall time there.
timeout_s="${TIMEOUT:-60}"
rss_mb="${RSS_MB:-2048}"           # one process above this is a finding
max_len="${MAX_LEN:-65536}"       # longest input, except checkpoints (a LeNet-5 one is 247 KB)
mkdir -p "$build/modules" "$build/objects" "$build/bin"

# Every target and the library modules it needs (in dependency order).
all_targets=(inflate gzip idx idx-gzip png jpeg safetensors-header safetensors cifar csv
  augment-spec checkpoint)
modules_for() {
  case "$1" in
    inflate | gzip) echo "ConvNetCompression" ;;
    idx | idx-gzip | cifar | csv)
      echo "CConvNetThreadPool ConvNetBase CConvNetKernels ConvNetKernels ConvNetTensor" \
        "ConvNetCompression ConvNetImage ConvNetData" ;;
    png | jpeg | augment-spec)
      echo "CConvNetThreadPool ConvNetBase ConvNetCompression ConvNetImage" ;;
    safetensors-header | safetensors)
      echo "CConvNetThreadPool ConvNetBase CConvNetKernels ConvNetKernels ConvNetTensor ConvNetIO" ;;
    checkpoint)
      echo "CConvNetThreadPool ConvNetBase CConvNetKernels ConvNetKernels ConvNetTensor ConvNetAutograd" \
        "ConvNetNN ConvNetCompression" \
        "ConvNetImage ConvNetData ConvNetIO ConvNetModels ConvNetTraining" ;;
    *) echo "unknown target $1" >&2; exit 2 ;;
  esac
}

# The C modules' maps (SwiftPM writes one for a target with an include/ folder).
swift_flags=(-O -parse-as-library -sanitize=fuzzer,address -enable-testing -swift-version 5
  -I "$build/modules")
for c_module in CConvNetThreadPool CConvNetKernels; do
  include="$root/Sources/$c_module/include"
  mkdir -p "$build/modules/$c_module"
  {
    echo "module $c_module {"
    for header in "$include"/*.h; do echo "  header \"$header\""; done
    echo "  export *"
    echo "}"
  } > "$build/modules/$c_module/module.modulemap"
  swift_flags+=(-Xcc "-fmodule-map-file=$build/modules/$c_module/module.modulemap")
done

# Compiles one library module unless its object is newer than all of its sources.
build_module() {
  local name="$1" object="$build/objects/$1.o"
  local sources
  if [[ "$name" == CConvNet* ]]; then
    sources=("$root"/Sources/"$name"/*.c)
  else
    mapfile -t sources < <(find "$root/Sources/$name" -name '*.swift' | sort)
  fi
  if [[ -f "$object" ]] && [[ -z "$(find "$root/Sources/$name" -newer "$object" -type f | head -1)" ]]; then
    return
  fi
  echo "compiling $name" >&2
  if [[ "$name" == CConvNet* ]]; then
    local include="$root/Sources/$name/include"
    mkdir -p "$build/objects/c"
    local objects=()
    for c in "${sources[@]}"; do
      local o="$build/objects/c/$(basename "$c" .c).o"
      clang -O2 -g -fsanitize=fuzzer-no-link,address -I "$include" -c "$c" -o "$o"
      objects+=("$o")
    done
    ld -r "${objects[@]}" -o "$object"
    return
  fi
  local extra=()
  # SwiftPM generates `Bundle.module` for targets with resources; the fuzz build has no bundle.
  if [[ "$name" == ConvNetData ]]; then
    extra+=("$here/Support/BundleModule.swift")
  fi
  swiftc "${swift_flags[@]}" -module-name "$name" -wmo -num-threads 0 \
    -emit-module -emit-module-path "$build/modules/$name.swiftmodule" \
    -c "${sources[@]}" "${extra[@]}" -o "$object"
}

build_target() {
  local target="$1" binary="$build/bin/fuzz-$1"
  local objects=()
  for module in $(modules_for "$target"); do
    build_module "$module"
    objects+=("$build/objects/$module.o")
  done
  local entry="$here/Targets/$target.swift"
  if [[ -f "$binary" && "$binary" -nt "$entry" && "$binary" -nt "$here/Targets/FuzzSupport.swift" ]]; then
    local stale=0
    for o in "${objects[@]}"; do [[ "$o" -nt "$binary" ]] && stale=1; done
    [[ $stale == 0 ]] && return
  fi
  echo "linking fuzz-$target" >&2
  swiftc "${swift_flags[@]}" -use-ld=lld -module-name "Fuzz_${target//-/_}" "$entry" \
    "$here/Targets/FuzzSupport.swift" "${objects[@]}" -o "$binary"
}

run_target() {
  local target="$1"
  local corpus="$build/corpus/$target" findings="$build/findings/$target"
  mkdir -p "$corpus" "$findings"
  local log="$build/logs/$target.log"
  mkdir -p "$build/logs"
  echo "fuzzing $target: $runs executions or ${max_time}s" >&2
  local start end status=0 scratch target_max_len="$max_len"
  # The checkpoint seeds are a LeNet-5 state dict plus its optimiser state (2 × 247 KB).
  [[ $target == checkpoint ]] && target_max_len=600000
  # Targets whose parsers read files (cifar, csv, checkpoint) write each input there.
  scratch=$(mktemp -d "${FUZZ_SCRATCH:-/dev/shm}/convnet-fuzz.XXXXXX")
  start=$(date +%s)
  # A trap must be reported by ASan/libFuzzer at once; Swift's backtracer can hang for minutes.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0" \
    LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0" \
    FUZZ_SCRATCH="$scratch" \
    nice -n 10 "$build/bin/fuzz-$target" -runs="$runs" -max_total_time="$max_time" \
    -timeout="$timeout_s" -rss_limit_mb="$rss_mb" -max_len="$target_max_len" \
    -artifact_prefix="$findings/" -print_final_stats=1 \
    "$corpus" "$here/Corpus/$target" > "$log" 2>&1 || status=$?
  end=$(date +%s)
  rm -rf "$scratch"
  local executions
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  local found
  found=$(find "$findings" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\n' "$target" "$executions" "$((end - start))" "$found" "$status" \
    | tee -a "$build/results.tsv"
  if [[ $status != 0 ]]; then
    echo "fuzz-$target stopped with status $status; see $log and $findings" >&2
    tail -40 "$log" >&2
  fi
  return 0
}

targets=("$@")
[[ ${#targets[@]} == 0 ]] && targets=("${all_targets[@]}")
for target in "${targets[@]}"; do build_target "$target"; done
[[ -n "${BUILD_ONLY:-}" ]] && exit 0
for target in "${targets[@]}"; do run_target "$target"; done
