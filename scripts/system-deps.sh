#!/usr/bin/env bash
# Make sure the system programs nckg needs are present: `system-deps.sh COMMAND=DEBIAN_PACKAGE ...`.
# A missing one is installed from Debian when we are root with apt-get; otherwise one clear line says what to run.
set -u
missing=()
for pair in "$@"; do
  command="${pair%%=*}" package="${pair#*=}"
  if [[ "$command" == /* ]]; then [ -x "$command" ] && continue; else command -v "$command" >/dev/null 2>&1 && continue; fi
  missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing from Debian: ${missing[*]}"
  if apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    exit 0
  fi
  echo "error: could not install ${missing[*]} with apt-get; install them and run make again" >&2
  exit 1
fi
echo "error: nckg needs ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
exit 1
