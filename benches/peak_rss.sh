#!/usr/bin/env bash
# benches/peak_rss.sh: peak resident memory of every talos command on one
# installation and on hostile inputs (a 400 KB nested config.yaml, a PID file
# of garbage, a .gz rotation that expands to one huge line, an archive whose
# first entry inflates to GBs). The target is < 100 MB for every command.
#
#   benches/peak_rss.sh TALOS ROOT OUTDIR
#
# TALOS is the binary, ROOT an installation (the large sandbox in
# compare.sh), OUTDIR gets mem-*.txt (/usr/bin/time -v) and peak-rss.md.
# ROOT is only read; the hostile cases run on copies of a small sandbox.
# Exits 1 when a command went over the limit.
set -uo pipefail
TALOS=$1
ROOT=$2
OUT=$3
LIMIT_KB=${PEAK_RSS_LIMIT_KB:-102400}
mkdir -p "$OUT"
DEAD_URL=http://127.0.0.1:9
rows=()
over=0

peak() {
    local name=$1
    shift
    /usr/bin/time -v -o "$OUT/mem-$name.txt" timeout 600 "$@" >/dev/null 2>"$OUT/mem-$name.err" </dev/null
    local code=$?
    local kb
    kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$OUT/mem-$name.txt")
    kb=${kb:-0}
    local verdict=ok
    if ((kb >= LIMIT_KB)); then
        verdict=OVER
        over=1
    fi
    rows+=("| $name | $((kb / 1024)) MB | $code | $verdict |")
}


# Every command that reads, on ROOT (read-only or dry-run).
for c in "status" "health" "doctor" "config validate" "config show" "backup list" \
    "audit verify-chain" "audit root" "audit query --last 10" \
    "log query --level ERROR --count" "log stats" "incident report" \
    "breaker list" "db check" "log prune --dry-run" "recover --dry-run"; do
    # shellcheck disable=SC2086
    peak "$(echo "$c" | tr ' ' '-' | tr -cd 'a-z0-9-')" "$TALOS" --root "$ROOT" --url "$DEAD_URL" $c
done
X=$("$TALOS" --root "$ROOT" --json log query --limit 1 2>/dev/null | head -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline()).get("correlation_id",""))' 2>/dev/null || true)
[[ -n $X ]] && peak log-trace "$TALOS" --root "$ROOT" log trace "$X"
NEWEST=$(ls -1t "$ROOT"/var/backups/talos/backup_*.tar.gz 2>/dev/null | head -1)
if [[ -n $NEWEST ]]; then
    peak backup-verify "$TALOS" --root "$ROOT" backup verify "$NEWEST"
    peak restore-dry-run "$TALOS" --root "$ROOT" --yes restore --dry-run "$NEWEST"
else
    # Said, not silently left out: `talos backup create` on ROOT first.
    rows+=("| backup-verify, restore-dry-run | not measured: no backup in ROOT | - | - |")
fi

# Hostile inputs, each on a fresh small sandbox.
H=$OUT/hostile
fresh() {
    rm -rf "$H"
    "$TALOS" -q sandbox init "$H" >/dev/null
}
fresh
python3 -c 'import sys; sys.stdout.write("version: 1\norchestrator: {}\nlogging: {}\nx: " + "["*200000 + "]"*200000 + "\n")' >"$H/etc/talos/config.yaml"
for c in "status" "health" "doctor" "config validate"; do
    # shellcheck disable=SC2086
    peak "nested-yaml-$(echo "$c" | tr ' ' '-')" "$TALOS" --root "$H" --url "$DEAD_URL" $c
done
peak nested-yaml-panic "$TALOS" --root "$H" --url "$DEAD_URL" --yes panic --force --reason bench --signal-wait 0 --grace 0

fresh
printf '\xff\xfe\n' >"$H/var/run/talos/orchestrator.pid"
for c in "status" "health" "breaker list" "db checkpoint"; do
    # shellcheck disable=SC2086
    peak "garbage-pid-$(echo "$c" | tr ' ' '-')" "$TALOS" --root "$H" --url "$DEAD_URL" $c
done

fresh
# A .gz that expands to one line of PEAK_RSS_LINE_MIB (default 20 GiB).
python3 - "$H/var/log/talos/orchestrator.log.1.gz" "${PEAK_RSS_LINE_MIB:-20480}" <<'PY'
import sys, zlib
out = open(sys.argv[1], "wb")
out.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")
c = zlib.compressobj(9, zlib.DEFLATED, -15)
chunk = b"a" * (1 << 24)
crc, n = 0, 0
for _ in range(int(sys.argv[2]) // 16 or 1):
    out.write(c.compress(chunk)); crc = zlib.crc32(chunk, crc); n += len(chunk)
out.write(c.compress(b"\n") + c.flush()); crc = zlib.crc32(b"\n", crc); n += 1
out.write(crc.to_bytes(4, "little") + (n & 0xffffffff).to_bytes(4, "little"))
PY
for c in "doctor" "log query --count" "log stats" "incident report"; do
    # shellcheck disable=SC2086
    peak "huge-line-$(echo "$c" | tr ' ' '-')" "$TALOS" --root "$H" --url "$DEAD_URL" $c
done
peak huge-line-repair-dry-run "$TALOS" --root "$H" --url "$DEAD_URL" repair jsonl --dry-run "$H/var/log/talos/orchestrator.log.1.gz"

fresh
# A backup whose first entry (metadata.json) claims 20 GiB and inflates to
# PEAK_RSS_ARCHIVE_MIB (default 2048) of zeros: past the archive-head cap.
HOSTILE_ARCHIVE=$H/var/backups/talos/backup_20240115_083000.tar.gz
python3 - "$HOSTILE_ARCHIVE" "${PEAK_RSS_ARCHIVE_MIB:-2048}" <<'PY'
import gzip, sys, tarfile
info = tarfile.TarInfo("metadata.json")
info.size = 20 << 30
with gzip.open(sys.argv[1], "wb", compresslevel=1) as out:
    out.write(info.tobuf(format=tarfile.GNU_FORMAT))
    chunk = bytes(1 << 20)
    for _ in range(int(sys.argv[2])):
        out.write(chunk)
PY
peak huge-archive-backup-list "$TALOS" --root "$H" --url "$DEAD_URL" backup list
peak huge-archive-backup-verify "$TALOS" --root "$H" --url "$DEAD_URL" backup verify "$HOSTILE_ARCHIVE"
peak huge-archive-doctor "$TALOS" --root "$H" --url "$DEAD_URL" doctor

{
    echo "| command | peak RSS | exit | < $((LIMIT_KB / 1024)) MB |"
    echo "|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
} >"$OUT/peak-rss.md"
cat "$OUT/peak-rss.md"
exit $over
