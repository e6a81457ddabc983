#!/usr/bin/env bash
# Runs each fuzz target for a bounded time and reports executions and crashes.
#
#   fuzz/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s, every target)
#
# Each target starts from its committed seeds (fuzz/seeds/<target>) plus what earlier runs on
# this machine found (fuzz/target/corpus/<target>, not committed). A crash is copied into
# fuzz/regressions/<target>/, where `cargo test --test fuzz_corpus` replays it from then on:
# commit it together with the fix. Exit status: 0 when no target crashed.
#
# Environment: SANITIZER (default `address`; `none` runs about twice as fast), JOBS (parallel
# fuzzing processes per target, default 1). Not run by CI; `fuzz/install.sh` sets it up.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(blob_import decrypt setters container_file keyfile_read prov_params dss_blob_import)
fi
sanitizer=${SANITIZER:-address}
jobs=${JOBS:-1}

cargo +nightly fuzz --version >/dev/null 2>&1 || ./install.sh

failed=0
summary=()
for target in "${targets[@]}"; do
    case $target in
        blob_import | container_file | keyfile_read) max_len=12288 ;;
        *) max_len=4096 ;;
    esac
    corpus=target/corpus/$target
    artifacts=target/artifacts/$target
    log=target/logs/$target.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    parallel=""
    if [ "$jobs" -gt 1 ]; then
        parallel="-jobs=$jobs -workers=$jobs"
    fi
    echo "== $target: ${seconds}s, sanitizer $sanitizer, max_len $max_len"
    status=0
    cargo +nightly fuzz run --sanitizer "$sanitizer" "$target" "$corpus" "seeds/$target" -- \
        -max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" $parallel >"$log" 2>&1 || status=$?
    if [ "$jobs" -gt 1 ]; then
        cat fuzz-*.log >>"$log" 2>/dev/null && rm -f fuzz-*.log
    fi
    execs=$(grep -h 'stat::number_of_executed_units' "$log" | awk '{ s += $2 } END { print s + 0 }')
    crashes=0
    for artifact in "$artifacts"/*; do
        [ -e "$artifact" ] || continue
        mkdir -p "regressions/$target"
        cp "$artifact" "regressions/$target/"
        crashes=$((crashes + 1))
    done
    rm -f "$artifacts"/*
    if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        failed=1
        echo "!! $target: exit $status, $crashes crash file(s) copied to fuzz/regressions/$target (log: fuzz/$log)"
        tail -n 40 "$log"
    fi
    summary+=("$(printf '%-16s %12s execs %3s crash(es)  corpus %s files' \
        "$target" "$execs" "$crashes" "$(find "$corpus" -type f | wc -l)")")
done

echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit "$failed"
