#!/usr/bin/env bash
# Set up what ai4ci needs on a fresh Debian machine (as root), or check it is there.
# usage: bootstrap.sh [python|ceph]...   Safe to run any number of times.
#   python  uv and the project's virtualenv (.venv), from uv.lock
#   ceph    Debian's Ceph packages for the `stack` profile and the integration tests
set -euo pipefail
cd "$(dirname "$0")/../.."

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "bootstrap: needs Debian packages ${missing[*]}; run as root or install them" >&2
    exit 1
  fi
  if [ $apt_updated = 0 ]; then apt-get update -qq; apt_updated=1; fi
  echo "bootstrap: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_uv() {
  command -v uv >/dev/null && return 0
  [ -x "$HOME/.local/bin/uv" ] && return 0
  # uv comes from PyPI (the only Python registry reachable), never from an install script.
  if ! python3 -m pip --version >/dev/null 2>&1; then
    apt_install python3-pip python3-venv
  fi
  python3 -m pip install --quiet --user --break-system-packages uv 2>/dev/null \
    || python3 -m pip install --quiet --user uv
}

uv_bin() { command -v uv || echo "$HOME/.local/bin/uv"; }

for part in "${@:-python}"; do
  case "$part" in
    python)
      command -v python3 >/dev/null || apt_install python3
      ensure_uv
      UV_PYTHON_DOWNLOADS=never "$(uv_bin)" sync --frozen --quiet
      ;;
    ceph)
      apt_install ceph-mon ceph-osd radosgw ceph-common curl
      ;;
    *) echo "bootstrap: unknown part '$part' (python, ceph)" >&2; exit 2 ;;
  esac
done
