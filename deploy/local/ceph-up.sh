#!/usr/bin/env bash
# Start a throw-away, one-node Ceph cluster for the `stack` profile and the test suite:
# one ceph-mon, one memstore ceph-osd (data lives in RAM) and radosgw (beast) on 127.0.0.1.
# There is no ceph-mgr: nothing here needs its stats, and it costs seconds and memory.
#
# usage: ceph-up.sh STATE_DIR
# Writes STATE_DIR/s3.env (endpoint, bucket, generated keys; mode 600) and the daemons'
# pid files under STATE_DIR/run/, which ceph-down.sh uses to stop exactly these processes.
# Ports: AI4CI_CEPH_MON_PORT and AI4CI_CEPH_RGW_PORT, or free ones picked at start.
set -euo pipefail

state=${1:?usage: ceph-up.sh STATE_DIR}
bucket=${AI4CI_S3_BUCKET:-ai4ci}
mkdir -p "$state"
state=$(cd "$state" && pwd)

for tool in ceph-authtool ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph curl; do
  command -v "$tool" >/dev/null || {
    echo "ceph-up: '$tool' is not installed; run 'make system-deps' (Debian: apt-get install ceph-mon ceph-osd radosgw ceph-common curl)" >&2
    exit 3
  }
done

rgw_pid_file="$state/run/client.rgw.local.pid"
if [ -f "$rgw_pid_file" ] && kill -0 "$(cat "$rgw_pid_file")" 2>/dev/null; then
  echo "ceph-up: already running (radosgw pid $(cat "$rgw_pid_file")); endpoint in $state/s3.env"
  exit 0
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mon_port=${AI4CI_CEPH_MON_PORT:-$(free_port)}
rgw_port=${AI4CI_CEPH_RGW_PORT:-$(free_port)}

rm -rf "$state/mon" "$state/osd" "$state/run" "$state/log"
mkdir -p "$state/mon" "$state/run" "$state/log" "$state/rgw"
fsid=$(python3 -c 'import uuid; print(uuid.uuid4())')
conf="$state/ceph.conf"

cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
keyring = $state/keyring
ms bind msgr1 = false
run dir = $state/run
admin socket = $state/run/\$name.asok
log file = $state/log/\$name.log
pid file = $state/run/\$name.pid
# One OSD: keep one copy and few placement groups, and allow it.
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
# Without this a proposal waits a full second and the cluster takes ~13 s to come up.
paxos propose interval = 0.05
mon data = $state/mon/\$cluster-\$id
osd data = $state/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = ${AI4CI_CEPH_MEMSTORE_BYTES:-6442450944}
osd max object name len = 460
osd max object namespace len = 64

[osd]
keyring = $state/osd/\$cluster-\$id/keyring

[client.rgw.local]
keyring = $state/rgw/keyring
# tcp_nodelay: without it every small request waits out delayed ACKs (GET 46 ms -> 3 ms,
# PUT 98 ms -> 13 ms measured here); Iceberg metadata is many small requests.
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
rgw data = $state/rgw
rgw dns name = 127.0.0.1
CONF

monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$state/monmap" >/dev/null
ceph-authtool --create-keyring "$state/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$state/keyring" --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
ceph-mon -c "$conf" --mkfs -i a --monmap "$state/monmap" --keyring "$state/keyring" >/dev/null
ceph-mon -c "$conf" -i a

osd_id=$(ceph -c "$conf" osd create)
mkdir -p "$state/osd/ceph-$osd_id"
ceph-authtool --create-keyring "$state/osd/ceph-$osd_id/keyring" --gen-key -n "osd.$osd_id" >/dev/null
ceph -c "$conf" auth add "osd.$osd_id" osd 'allow *' mon 'allow profile osd' \
  -i "$state/osd/ceph-$osd_id/keyring" >/dev/null 2>&1
ceph-osd -c "$conf" -i "$osd_id" --mkfs --no-mon-config >/dev/null 2>&1
ceph -c "$conf" osd crush add "osd.$osd_id" 1.0 host=localhost root=default >/dev/null 2>&1 || true
ceph-osd -c "$conf" -i "$osd_id" 2>>"$state/log/osd-start.err"

ceph -c "$conf" auth get-or-create client.rgw.local mon 'allow rw' osd 'allow rwx' \
  -o "$state/rgw/keyring" >/dev/null 2>&1
radosgw -c "$conf" -n client.rgw.local

access_key=$(python3 -c 'import secrets; print(secrets.token_hex(10).upper())')
secret_key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(30))')
radosgw-admin -c "$conf" user create --uid=ai4ci --display-name=ai4ci \
  --access-key="$access_key" --secret="$secret_key" >/dev/null

endpoint="http://127.0.0.1:$rgw_port"
for _ in $(seq 1 200); do
  curl -s -o /dev/null "$endpoint" && break
  sleep 0.1
done
# S3 signs the payload hash; curl leaves the header out unless given (here: an empty body).
empty_sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
code=$(curl -s -o "$state/log/create-bucket.out" -w '%{http_code}' -X PUT \
  -H "x-amz-content-sha256: $empty_sha256" \
  --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access_key:$secret_key" "$endpoint/$bucket")
case "$code" in
  200|409) ;;
  *) echo "ceph-up: creating bucket '$bucket' failed with HTTP $code (see $state/log/)" >&2; exit 4 ;;
esac

umask 077
cat >"$state/s3.env" <<ENV
AI4CI_S3_ENDPOINT=$endpoint
AI4CI_S3_BUCKET=$bucket
AI4CI_S3_REGION=us-east-1
AI4CI_S3_ACCESS_KEY=$access_key
AI4CI_S3_SECRET_KEY=$secret_key
ENV
echo "ceph-up: radosgw at $endpoint, bucket '$bucket'; credentials in $state/s3.env"
