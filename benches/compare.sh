#!/usr/bin/env bash
# benches/compare.sh: talos side by side with the tools an operator would
# otherwise use, on the same files, in one run. Writes BENCHMARKS.md.
#
#   benches/compare.sh                    # the full run (--scale large, ~1 GiB)
#   BENCH_SCALE=small benches/compare.sh  # a quick trial (a few MB)
#
# Environment:
#   BENCH_SCALE  large (default) or small
#   BENCH_DIR    scratch directory (default ${TMPDIR:-/tmp}/talos-bench); the
#                sandbox in it is reused when complete (marker file)
#   BENCH_RUNS   timed runs per command after one warm-up (default 3)
#   BENCH_OUT    report to write (default: BENCHMARKS.md at the repository
#                root for large, $BENCH_DIR/BENCHMARKS-small.md for small)
#   BENCH_JAQ    0 to skip trying `cargo install jaq` when jaq is missing
#   BENCH_JAQ_TIMEOUT  seconds allowed for that install (default 240)
#
# Needs root or sudo only to apt-get install what is missing (hyperfine,
# ripgrep, jq, pigz, time, python3). Not part of .ci/run.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCALE=${BENCH_SCALE:-large}
case $SCALE in large | small) ;; *) echo "BENCH_SCALE must be large or small" >&2; exit 2 ;; esac
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/talos-bench}
RUNS=${BENCH_RUNS:-3}
if [[ $SCALE == large ]]; then
    OUT=${BENCH_OUT:-$REPO/BENCHMARKS.md}
else
    OUT=${BENCH_OUT:-$WORK/BENCHMARKS-small.md}
fi
RES=$WORK/results-$SCALE
STARTED=$(date +%s)

say() { printf '\n== %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
say "tools"
SUDO=
if [[ $(id -u) != 0 ]]; then SUDO=sudo; fi
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v rg >/dev/null || need+=(ripgrep)
command -v jq >/dev/null || need+=(jq)
command -v python3 >/dev/null || need+=(python3)
[[ -x /usr/bin/time ]] || need+=(time)
command -v pigz >/dev/null || need+=(pigz)
command -v openssl >/dev/null || need+=(openssl)
if ((${#need[@]})); then
    echo "installing from Debian: ${need[*]}" >&2
    $SUDO apt-get update -qq
    if ! $SUDO apt-get install -y -qq "${need[@]}" >&2; then
        # pigz is optional: try again without it.
        required=()
        for p in "${need[@]}"; do [[ $p == pigz ]] || required+=("$p"); done
        ((${#required[@]} == 0)) || $SUDO apt-get install -y -qq "${required[@]}" >&2
    fi
fi
for t in hyperfine rg jq python3 openssl /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "missing $t and could not install it" >&2; exit 1; }
done
HAVE_PIGZ=0
command -v pigz >/dev/null && HAVE_PIGZ=1

JAQ=$(command -v jaq || true)
JAQ_NOTE=""
if [[ -z $JAQ && -x $WORK/tools/bin/jaq ]]; then JAQ=$WORK/tools/bin/jaq; fi
if [[ -z $JAQ ]]; then
    if [[ ${BENCH_JAQ:-1} == 0 ]]; then
        JAQ_NOTE="jaq not installed (BENCH_JAQ=0)"
    else
        echo "jaq is missing: trying cargo install jaq --locked (at most ${BENCH_JAQ_TIMEOUT:-240} s)" >&2
        if timeout "${BENCH_JAQ_TIMEOUT:-240}" cargo install jaq --locked --quiet --root "$WORK/tools" >&2; then
            JAQ=$WORK/tools/bin/jaq
        else
            JAQ_NOTE="jaq skipped: \`cargo install jaq --locked\` did not finish within ${BENCH_JAQ_TIMEOUT:-240} s or failed"
        fi
    fi
fi
[[ -n $JAQ ]] && echo "jaq: $JAQ" >&2

# ---------------------------------------------------------------- build
say "cargo build --release"
BUILD_START=$(date +%s)
(cd "$REPO" && cargo build --release --quiet --bins)
BUILD_SECS=$(($(date +%s) - BUILD_START))
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
TALOS=$TARGET/release/talos
SIM=$TARGET/release/talos-sim
[[ -x $TALOS && -x $SIM ]] || { echo "no release binaries in $TARGET/release" >&2; exit 1; }

# ---------------------------------------------------------------- sandbox
mkdir -p "$WORK" "$RES"
rm -f "$RES"/*.json "$RES"/*.txt "$RES"/*.out "$RES"/*.err
SB=$WORK/sandbox-$SCALE
ROOT=$SB/root
SANDBOX_SECS="reused"
if [[ -f $SB/.complete && -f $SB/sandbox.json ]]; then
    say "reusing the sandbox in $ROOT"
else
    say "talos sandbox init --scale $SCALE $ROOT"
    rm -rf "$SB"
    mkdir -p "$SB"
    SANDBOX_START=$(date +%s)
    "$TALOS" --json sandbox init --scale "$SCALE" --seed 1 "$ROOT" >"$SB/sandbox.json"
    SANDBOX_SECS=$(($(date +%s) - SANDBOX_START))
    date -u +%FT%TZ >"$SB/.complete"
fi
MEASURE_START=$(date +%s)
LOG_DIR=$ROOT/var/log/talos
AUDIT_DIR=$LOG_DIR/audit
X=$(jq -r '.stories.breaker_open.correlation_id' "$SB/sandbox.json")
# The Tier 2/3 files talos searches by default (oldest rotation first).
mapfile -t LOGS < <(cd "$LOG_DIR" && ls -1 orchestrator.log* debug.log* 2>/dev/null |
    grep -E '^(orchestrator|debug)\.log(\.[0-9]+(\.gz)?)?$' | sed "s|^|$LOG_DIR/|")
mapfile -t AUDITS < <(ls -1 "$AUDIT_DIR"/audit-*.jsonl)
# What a backup archives (docs/format.md §5), as directories for tar.
BACKUP_DIRS=(etc/talos var/lib/talos/state var/lib/talos/db var/log/talos/audit opt/talos/custom)

# cat every log, gunzipping the rotations, for jq/jaq.
cat >"$WORK/cat_logs.sh" <<EOF
#!/usr/bin/env bash
for f in $(printf '%q ' "${LOGS[@]}"); do
    case \$f in *.gz) gzip -dc "\$f" ;; *) cat "\$f" ;; esac
done
EOF
chmod +x "$WORK/cat_logs.sh"
# A line belongs to X (docs/format.md §3): correlation_id X or X:..., or
# context.parent_correlation_id X. -R + fromjson? skips malformed lines,
# which would stop a plain `jq` at the first one (the logs have some).
JQ_PROG='fromjson? | select(type == "object" and ((.correlation_id | type) == "string" and (.correlation_id == $id or (.correlation_id | startswith($id + ":"))) or ((.context | type) == "object" and .context.parent_correlation_id == $id)))'

HF=(hyperfine --style basic --output=pipe --warmup 1 --runs "$RUNS")
q() { printf '%q ' "$@"; }

# Peak memory of one command: /usr/bin/time -v, "Maximum resident set size".
peak() {
    local name=$1
    shift
    /usr/bin/time -v -o "$RES/mem-$name.txt" "$@" >/dev/null 2>"$RES/mem-$name.err" || true
}

# ---------------------------------------------------------------- log query
say "log query --correlation-id $X"
TQ="$(q "$TALOS" --root "$ROOT" log query --correlation-id "$X" --json)"
RQ="$(q rg --no-config -z -F -- "$X" "${LOGS[@]}")"
"${HF[@]}" --export-json "$RES/query.json" -n talos "$TQ" -n "rg -z -F" "$RQ"
# jq and jaq run once (no warm-up: the files are in the page cache by now);
# their output goes to a file, to count their answer without a second run.
N_JAQ=""
if [[ -n $JAQ ]]; then
    hyperfine --style basic --runs 1 --output "$RES/jaq.out" --export-json "$RES/query-jaq.json" \
        -n jaq "$(q "$WORK/cat_logs.sh") | $(q "$JAQ" -c -R --arg id "$X" "$JQ_PROG")"
    N_JAQ=$(wc -l <"$RES/jaq.out")
fi
hyperfine --style basic --runs 1 --output "$RES/jq.out" --export-json "$RES/query-jq.json" \
    -n jq "$(q "$WORK/cat_logs.sh") | $(q jq -c -R --arg id "$X" "$JQ_PROG")"
N_JQ=$(wc -l <"$RES/jq.out")
peak query "$TALOS" --root "$ROOT" log query --correlation-id "$X" --json
# The answers, to show they agree.
N_TALOS=$("$TALOS" --root "$ROOT" log query --correlation-id "$X" --json | wc -l)
N_RG=$(rg --no-config -z -F -c --no-filename -- "$X" "${LOGS[@]}" | awk '{s+=$1} END {print s+0}')

# ---------------------------------------------------------------- verify-chain
say "audit verify-chain"
"${HF[@]}" --export-json "$RES/chain.json" \
    -n talos "$(q "$TALOS" --root "$ROOT" audit verify-chain)" \
    -n sha256sum "$(q sha256sum "${AUDITS[@]}")" \
    -n "openssl dgst -sha256" "$(q openssl dgst -sha256 "${AUDITS[@]}")"
peak chain "$TALOS" --root "$ROOT" audit verify-chain
CHAIN_EXIT=0
"$TALOS" --root "$ROOT" -q audit verify-chain >/dev/null 2>&1 || CHAIN_EXIT=$?

# ---------------------------------------------------------------- backup create
say "backup create"
BK=$WORK/backups
PREP="rm -rf $(q "$BK") && mkdir -p $(q "$BK")"
backup_cmds=(-n talos "$(q "$TALOS" --root "$ROOT" -q backup create --output-dir "$BK")"
    -n "tar czf" "$(q tar czf "$BK/tar.tar.gz" -C "$ROOT" "${BACKUP_DIRS[@]}")")
if ((HAVE_PIGZ)); then
    backup_cmds+=(-n "tar -I pigz" "$(q tar -I pigz -cf "$BK/pigz.tar.gz" -C "$ROOT" "${BACKUP_DIRS[@]}")")
fi
"${HF[@]}" --prepare "$PREP" --export-json "$RES/backup.json" "${backup_cmds[@]}"
eval "$PREP"
peak backup "$TALOS" --root "$ROOT" -q backup create --output-dir "$BK"
ARCHIVE=$(ls -1 "$BK"/backup_*.tar.gz | tail -1)
tar czf "$BK/tar.tar.gz" -C "$ROOT" "${BACKUP_DIRS[@]}"
BACKUP_INPUT=$(du -sb --apparent-size "${BACKUP_DIRS[@]/#/$ROOT/}" | awk '{s+=$1} END {print s}')
ARCHIVE_SIZE=$(stat -c %s "$ARCHIVE")
TAR_SIZE=$(stat -c %s "$BK/tar.tar.gz")

# ---------------------------------------------------------------- verify-only
say "restore --verify-only"
"${HF[@]}" --export-json "$RES/verify.json" \
    -n "talos restore --verify-only" "$(q "$TALOS" --root "$ROOT" -q restore --verify-only "$ARCHIVE")" \
    -n "talos backup verify" "$(q "$TALOS" --root "$ROOT" -q backup verify "$ARCHIVE")" \
    -n "gzip -dc | sha256sum" "gzip -dc $(q "$ARCHIVE") | sha256sum"
peak verify "$TALOS" --root "$ROOT" -q restore --verify-only "$ARCHIVE"

# ---------------------------------------------------------------- restore in place
# The RTO (time until the installation is restored: verify and stage, then
# the swap) is what talos reports as outcome.rto_ms; the rollback archive,
# cleanup and validation come after it. Each run restores the same archive
# in place; its older rollback archives are deleted first to bound the disk.
say "restore in place"
RB=$ROOT/var/lib/talos/restore_rollback
XT=$WORK/xzf
: >"$RES/restore-rto.txt"
{
    echo '#!/usr/bin/env bash'
    echo 'set -eo pipefail'
    echo "rm -f $(printf '%q' "$RB")/backup_*.tar.gz"
    echo "$(q "$TALOS") --root $(q "$ROOT") --json restore --yes $(q "$ARCHIVE") | jq -r .outcome.rto_ms >>$(q "$RES/restore-rto.txt")"
} >"$WORK/restore_rto.sh"
chmod +x "$WORK/restore_rto.sh"
"${HF[@]}" --prepare "rm -rf $(q "$XT") && mkdir -p $(q "$XT")" --export-json "$RES/restore.json" \
    -n "talos restore --yes (in place)" "$(q "$WORK/restore_rto.sh")" \
    -n "tar xzf" "$(q tar xzf "$ARCHIVE" -C "$XT")"
rm -rf "$XT"
# The drill's RTO, on the same archive (restored into a scratch root).
: >"$RES/drill-rto.txt"
for _ in $(seq "$RUNS"); do
    "$TALOS" --root "$ROOT" --json drill --backup "$ARCHIVE" | jq -r .drill.rto_ms >>"$RES/drill-rto.txt"
done

# ---------------------------------------------------------------- health
say "health"
HROOT=$WORK/health-root
rm -rf "$HROOT"
"$TALOS" -q sandbox init "$HROOT" >/dev/null
# A port nobody listens on: bind, note, close.
DEAD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DEAD_URL=http://127.0.0.1:$DEAD_PORT
"${HF[@]}" -i --export-json "$RES/health-dead.json" \
    -n "talos health (daemon dead)" "$(q "$TALOS" --root "$HROOT" --url "$DEAD_URL" health)"
peak health-dead "$TALOS" --root "$HROOT" --url "$DEAD_URL" health

SIM_PID=
cleanup() {
    if [[ -n $SIM_PID ]]; then
        kill -KILL "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
"$SIM" --root "$HROOT" --listen 127.0.0.1:0 --fault hang --flaky none --task-interval 3600 \
    >"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM_PID=$!
SIM_URL=
for _ in $(seq 100); do
    SIM_URL=$(head -n1 "$WORK/sim.out" 2>/dev/null || true)
    [[ $SIM_URL == http* ]] && break
    SIM_URL=
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.1
done
[[ -n $SIM_URL ]] || { echo "talos-sim did not print its URL:" >&2; cat "$WORK/sim.err" >&2; exit 1; }
"${HF[@]}" -i --export-json "$RES/health-hang.json" \
    -n "talos health (daemon hangs)" "$(q "$TALOS" --root "$HROOT" --url "$SIM_URL" health)"
peak health-hang "$TALOS" --root "$HROOT" --url "$SIM_URL" health
HEALTH_DEAD_EXIT=0
"$TALOS" --root "$HROOT" --url "$DEAD_URL" health >/dev/null 2>&1 || HEALTH_DEAD_EXIT=$?
HEALTH_HANG_EXIT=0
"$TALOS" --root "$HROOT" --url "$SIM_URL" health >/dev/null 2>&1 || HEALTH_HANG_EXIT=$?
cleanup
SIM_PID=
TIMEOUT_S=$(grep -oP 'DEFAULT_TIMEOUT_SECS: f64 = \K[0-9.]+' "$REPO/src/config.rs" || echo "?")

# ---------------------------------------------------------------- doctor, incident report, status
# What an operator waits on during an incident, against `status` and `log
# stats` (a pass over every Tier 2/3 line) in the same run. doctor cold:
# without its cache of the rotated logs' answers (DATA_DIR/log_check_cache.json);
# warm: with it. They exit non-zero when they find something (-i).
say "doctor, incident report --since 24h, status"
DOCTOR_CACHE=$ROOT/var/lib/talos/log_check_cache.json
"${HF[@]}" -i --prepare "rm -f $(q "$DOCTOR_CACHE")" --export-json "$RES/diag-cold.json" \
    -n "talos doctor (cold)" "$(q "$TALOS" --root "$ROOT" doctor)"
"${HF[@]}" -i --export-json "$RES/diag.json" \
    -n "talos doctor (warm)" "$(q "$TALOS" --root "$ROOT" doctor)" \
    -n "talos incident report --since 24h" "$(q "$TALOS" --root "$ROOT" incident report --since 24h)" \
    -n "talos status" "$(q "$TALOS" --root "$ROOT" status)" \
    -n "talos log stats" "$(q "$TALOS" --root "$ROOT" log stats)"
rm -f "$DOCTOR_CACHE"
peak doctor-cold "$TALOS" --root "$ROOT" doctor
peak doctor-warm "$TALOS" --root "$ROOT" doctor
peak incident "$TALOS" --root "$ROOT" incident report --since 24h
peak status "$TALOS" --root "$ROOT" status

# ---------------------------------------------------------------- off-host repository
say "repository upload and download (moto on loopback) against aws s3 cp"
BENCH_RUNS=$RUNS "$REPO/benches/repo_s3.sh" "$TALOS" "$ROOT" "$ARCHIVE" "$RES" >&2

# ---------------------------------------------------------------- peak RSS
# Every command on this sandbox and on hostile inputs; the target is < 100 MB.
say "peak RSS of every command"
PEAK_RSS_OK=1
"$REPO/benches/peak_rss.sh" "$TALOS" "$ROOT" "$RES/peak-rss" >&2 || PEAK_RSS_OK=0

# ---------------------------------------------------------------- report
say "writing $OUT"
gz_count=0
for f in "${LOGS[@]}"; do [[ $f == *.gz ]] && gz_count=$((gz_count + 1)); done
LOG_BYTES=$(stat -c %s "${LOGS[@]}" | awk '{s+=$1} END {print s}')
LOG_EXPANDED=$("$WORK/cat_logs.sh" | wc -c)
AUDIT_BYTES=$(stat -c %s "${AUDITS[@]}" | awk '{s+=$1} END {print s}')
AUDIT_RECORDS=$(cat "${AUDITS[@]}" | wc -l)
commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
    commit="$commit (with uncommitted changes)"
fi
export BENCH_META
BENCH_META=$(jq -n \
    --arg scale "$SCALE" --arg runs "$RUNS" --arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
    --arg commit "$commit" --arg cores "$(nproc)" \
    --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
    --arg mem "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)" \
    --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --arg kernel "$(uname -r)" \
    --arg x "$X" --arg n_talos "$N_TALOS" --arg n_rg "$N_RG" --arg n_jq "$N_JQ" --arg n_jaq "$N_JAQ" \
    --arg logs "$(printf '%s\n' "${LOGS[@]##*/}" | paste -sd' ')" --arg gz "$gz_count" \
    --arg log_bytes "$LOG_BYTES" --arg log_expanded "$LOG_EXPANDED" \
    --arg audit_files "${#AUDITS[@]}" --arg audit_bytes "$AUDIT_BYTES" --arg audit_records "$AUDIT_RECORDS" \
    --arg chain_exit "$CHAIN_EXIT" \
    --arg backup_input "$BACKUP_INPUT" --arg archive_size "$ARCHIVE_SIZE" --arg tar_size "$TAR_SIZE" \
    --arg health_dead_exit "$HEALTH_DEAD_EXIT" --arg health_hang_exit "$HEALTH_HANG_EXIT" \
    --arg timeout "$TIMEOUT_S" \
    --arg total_secs "$(($(date +%s) - STARTED))" --arg build_secs "$BUILD_SECS" \
    --arg sandbox_secs "$SANDBOX_SECS" --arg measure_secs "$(($(date +%s) - MEASURE_START))" \
    --arg jaq_note "$JAQ_NOTE" --arg have_pigz "$HAVE_PIGZ" \
    --arg v_hyperfine "$(hyperfine --version)" --arg v_rg "$(rg --version | head -1)" \
    --arg v_jq "$(jq --version)" --arg v_jaq "$([[ -n $JAQ ]] && "$JAQ" --version || true)" \
    --arg v_gzip "$(gzip --version | head -1)" --arg v_tar "$(tar --version | head -1)" \
    --arg v_pigz "$( ((HAVE_PIGZ)) && pigz --version 2>&1 | head -1 || true)" \
    --arg v_sha "$(sha256sum --version | head -1)" \
    '$ARGS.named')
python3 "$REPO/benches/report.py" "$RES" "$REPO/benches/NOTES.md" >"$OUT.tmp"
{
    echo
    echo "## Peak RSS of every command (target < 100 MB)"
    echo
    ((PEAK_RSS_OK)) || echo "**At least one command went over the target.**"
    echo
    cat "$RES/peak-rss/peak-rss.md"
} >>"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT in $(($(date +%s) - STARTED)) s" >&2
