#!/usr/bin/env bash
# Installs from Debian's packages what the tests need and the machine lacks (CI runs on a fresh machine):
# redis-server for the Redis store tests, chromium for the browser tests and report screenshots, ffmpeg
# for the fake webcam's video. The tests start their own servers on free loopback ports.
set -euo pipefail
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
if ((${#need[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${need[*]}; install them (sudo apt-get install ${need[*]}) and run again" >&2
    exit 1
  fi
  echo "installing ${need[*]} for the tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
