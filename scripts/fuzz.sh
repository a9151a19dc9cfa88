#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (-sanitize=fuzzer,address) and runs each for a number of inputs.
# Not part of CI. Usage:
#   scripts/fuzz.sh [RUNS] [TARGET...]     RUNS per target (default 100000); targets default to all:
#   safetensors numpy torch-zip torch-pickle markdown plaintext epub
# Seeds come from Fuzz/Seeds/<target>/ and small matching files under Tests/; the growing corpus is kept in
# Fuzz/.build/corpus/<target>/, crashes and timeouts in Fuzz/.build/artifacts/<target>/. A summary line per
# target gives the inputs run and what was found.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-100000}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors numpy torch-zip torch-pickle markdown plaintext epub)

product() {
    case $1 in
        safetensors) echo FuzzSafeTensors ;; numpy) echo FuzzNumpy ;; torch-zip) echo FuzzTorchZip ;;
        torch-pickle) echo FuzzTorchPickle ;; markdown) echo FuzzMarkdown ;; plaintext) echo FuzzPlainText ;;
        epub) echo FuzzEPUB ;;
        *) echo "unknown fuzz target '$1' (known: safetensors numpy torch-zip torch-pickle markdown plaintext epub)" >&2; exit 2 ;;
    esac
}

# Up to 40 small files from the repository as extra seeds.
seed_files() {
    case $1 in
        safetensors) find Tests -name '*.safetensors' -size -64k ;;
        numpy) find Tests -name '*.npy' -size -64k ;;
        torch-zip) find Tests -name '*.pth' -size -64k -o -name '*.pt' -size -64k ;;
        markdown) find projects Tests docs -name '*.md' -size -64k ;;
        plaintext) find Tests -name '*.txt' -size -64k ;;
    esac 2>/dev/null | sort | head -40
}

# The build plan caches the main package's file list; drop it so added or removed sources are seen.
rm -f Fuzz/.build/release.yaml
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -g -Xswiftc -use-ld=lld)
for t in "${targets[@]}"; do
    (cd Fuzz && swift build -c release "${flags[@]}" --product "$(product "$t")")
done
bin=$(cd Fuzz && swift build -c release "${flags[@]}" --show-bin-path)

summary=()
for t in "${targets[@]}"; do
    p=$(product "$t")
    corpus=Fuzz/.build/corpus/$t
    artifacts=Fuzz/.build/artifacts/$t
    mkdir -p "$corpus" "$artifacts"
    [ -d "Fuzz/Seeds/$t" ] && cp -n Fuzz/Seeds/"$t"/* "$corpus"/ 2>/dev/null || true
    while read -r f; do [ -n "$f" ] && cp -n "$f" "$corpus/seed-$(basename "$f")" 2>/dev/null || true; done < <(seed_files "$t")
    log=Fuzz/.build/$t.log
    echo "== $t: $runs inputs"
    set +e
    # Swift's own backtracer and AddressSanitizer's reports get in each other's way; stdout (log lines) is closed.
    SWIFT_BACKTRACE=enable=no "$bin/$p" -runs="$runs" -max_len=65536 -timeout=20 -rss_limit_mb=4096 -close_fd_mask=1 -print_final_stats=1 \
        -artifact_prefix="$root/$artifacts/" "$corpus" > "$log" 2>&1
    rc=$?
    set -e
    done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true)
    found=$(ls "$artifacts" | wc -l)
    summary+=("$t: ${done_line:-stopped early (exit $rc)}; $found artifact(s) in $artifacts")
    [ $rc -eq 0 ] || { echo "   exit $rc; tail of $log:"; tail -20 "$log" | sed 's/^/   /'; }
done
echo
printf '%s\n' "${summary[@]}"
