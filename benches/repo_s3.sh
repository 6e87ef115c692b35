#!/usr/bin/env bash
# benches/repo_s3.sh: the off-host repository's upload and download against
# the AWS CLI (`aws s3 cp`) on the same moto S3 server on loopback, in one
# run. Called by benches/compare.sh; runs alone too:
#
#   benches/repo_s3.sh TALOS ROOT ARCHIVE RESULTS_DIR
#
# ROOT is an installation (a sandbox), ARCHIVE a backup of it. Writes
# hyperfine JSON to RESULTS_DIR/repo-up.json and repo-down.json. talos
# uploads as part of `backup create --repo` (the archive is written, then
# sent) and downloads as part of `restore --verify-only --repo` (fetched,
# then verified), so each is timed beside the same command without the
# repository, and the transfer's own time, as talos reports it
# (`repo.upload_ms`, `repo.download_ms`), is kept from every run in
# RESULTS_DIR/repo-upload-ms.txt and repo-download-ms.txt: that is what is
# set against `aws s3 cp` of the same bytes. (The difference of the two
# commands' medians says the same within their noise.)
#
# Needs moto_server (pip install 'moto[server]'; TALOS_TEST_MOTO names it)
# and aws (pip install awscli); without them it says so and exits 0 (the
# report then has no repository row).
set -euo pipefail

TALOS=$1
ROOT=$2
ARCHIVE=$3
RES=$4
RUNS=${BENCH_RUNS:-3}
mkdir -p "$RES"

MOTO=${TALOS_TEST_MOTO:-}
[[ -n $MOTO ]] || MOTO=$(command -v moto_server || true)
[[ -z $MOTO && -x /opt/talos-ci-venv/bin/moto_server ]] && MOTO=/opt/talos-ci-venv/bin/moto_server
AWS=$(command -v aws || true)
if [[ -z $MOTO || -z $AWS ]]; then
    echo "repo bench skipped: needs moto_server and aws (pip install 'moto[server]' awscli)" >&2
    echo "skipped: moto_server or aws missing" >"$RES/repo-skipped.txt"
    exit 0
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$MOTO" -H 127.0.0.1 -p "$PORT" >"$RES/moto.log" 2>&1 &
MOTO_PID=$!
stop() { kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; }
trap stop EXIT
EP=http://127.0.0.1:$PORT
for _ in $(seq 100); do
    curl -s -o /dev/null "$EP" && break
    kill -0 "$MOTO_PID" 2>/dev/null || { echo "moto_server did not start" >&2; cat "$RES/moto.log" >&2; exit 1; }
    sleep 0.1
done

# moto accepts any credentials; both clients use the same ones.
export AWS_ACCESS_KEY_ID=AKIABENCHEXAMPLE AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=$EP
"$AWS" s3 mb s3://bench >/dev/null

q() { printf '%q ' "$@"; }
HF=(hyperfine --style basic --output=pipe --warmup 1 --runs "$RUNS")
OUTD=$(mktemp -d "${TMPDIR:-/tmp}/talos-repo-bench.XXXXXX")
QOUT=$(printf %q "$OUTD")
PREP="rm -f $QOUT/backup_*.tar.gz"

# talos reports how long the transfer itself took (`repo.upload_ms`,
# `repo.download_ms` in --json); these wrappers keep it from every run.
: >"$RES/repo-upload-ms.txt"
: >"$RES/repo-download-ms.txt"
{
    echo '#!/usr/bin/env bash'
    echo 'set -eo pipefail'
    echo "$(q "$TALOS") --root $(q "$ROOT") --json backup create --output-dir $(q "$OUTD") --repo s3://bench/talos --host bench | jq -r .repo.upload_ms >>$(q "$RES/repo-upload-ms.txt")"
} >"$OUTD/up.sh"
{
    echo '#!/usr/bin/env bash'
    echo 'set -eo pipefail'
    echo "$(q "$TALOS") --root $(q "$ROOT") --json restore --verify-only --repo s3://bench/talos --host bench latest | jq -r .repo.download_ms >>$(q "$RES/repo-download-ms.txt")"
} >"$OUTD/down.sh"
chmod +x "$OUTD/up.sh" "$OUTD/down.sh"

# Upload: backup create with and without --repo (same archive work), and
# the AWS CLI sending an archive of the same size.
"${HF[@]}" --prepare "$PREP" --export-json "$RES/repo-up.json" \
    -n "talos backup create --repo s3" "$(q "$OUTD/up.sh")" \
    -n "talos backup create (local)" \
    "$(q "$TALOS" --root "$ROOT" -q backup create --output-dir "$OUTD")" \
    -n "aws s3 cp (upload)" \
    "$(q "$AWS" s3 cp --only-show-errors "$ARCHIVE" s3://bench/aws/archive.tar.gz)"

# Download: the newest backup of the host above, fetched and verified,
# against verifying the local archive and the AWS CLI fetching it.
"${HF[@]}" --prepare "rm -f $QOUT/fetched.tar.gz" --export-json "$RES/repo-down.json" \
    -n "talos restore --verify-only --repo s3" "$(q "$OUTD/down.sh")" \
    -n "talos restore --verify-only (local)" \
    "$(q "$TALOS" --root "$ROOT" -q restore --verify-only "$ARCHIVE")" \
    -n "aws s3 cp (download)" \
    "$(q "$AWS" s3 cp --only-show-errors s3://bench/aws/archive.tar.gz "$OUTD/fetched.tar.gz")"
rm -rf "$OUTD"
stat -c %s "$ARCHIVE" >"$RES/repo-archive-bytes.txt"
