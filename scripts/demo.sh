#!/usr/bin/env bash
# make demo: start the bundled EKS emulator on a free loopback port, apply an
# example, show that a second plan has nothing to do, destroy it, stop the
# emulator. Nothing here talks to real AWS.
set -euo pipefail
cd "$(dirname "$0")/.."

EXAMPLE=${EXAMPLE:-examples/minimal}
BIN=bin/eksctl-lite
go build -o "$BIN" ./cmd/eksctl-lite

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG=$(mktemp)
python3 integration/emulator/server.py --host 127.0.0.1 --port "$PORT" \
	--create-delay 3 --delete-delay 2 --update-delay 2 >"$LOG" 2>&1 &
EMU=$!
cleanup() { kill "$EMU" 2>/dev/null || true; wait "$EMU" 2>/dev/null || true; rm -f "$LOG"; }
trap cleanup EXIT

for _ in $(seq 1 300); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/moto-api/" && break
	kill -0 "$EMU" 2>/dev/null || { cat "$LOG" >&2; echo "demo: the emulator did not start; see above" >&2; exit 1; }
	sleep 0.1
done

# Everything below is what a user types against real AWS, pointed at the
# emulator with the standard AWS SDK environment variables.
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_EC2_METADATA_DISABLED=true
export EKSCTL_LITE_POLL_INTERVAL=${EKSCTL_LITE_POLL_INTERVAL:-500ms}

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "eksctl-lite validate $EXAMPLE"
"$BIN" validate "$EXAMPLE"

step "eksctl-lite plan $EXAMPLE  (an empty account: everything to add)"
"$BIN" plan "$EXAMPLE"

step "eksctl-lite apply --auto-approve $EXAMPLE"
"$BIN" apply --auto-approve "$EXAMPLE"

step "eksctl-lite plan --detailed-exitcode $EXAMPLE  (must say: No changes)"
set +e
"$BIN" plan --detailed-exitcode "$EXAMPLE"
code=$?
set -e
if [ "$code" -ne 0 ]; then
	echo "demo: the plan after apply is not empty (exit $code): that is a bug" >&2
	exit 1
fi

step "eksctl-lite destroy --auto-approve $EXAMPLE"
"$BIN" destroy --auto-approve "$EXAMPLE"

step "demo complete: applied, re-planned with no changes, destroyed"
