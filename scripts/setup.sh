#!/usr/bin/env bash
# Set up netkg on a fresh machine: the system programs it uses (when missing and we may install them
# with apt as root), a virtual environment in .venv, and the package (with the test extras: `setup.sh test`).
#
#   Java development kit  HermiT (the reference reasoner) and the OWL API checks of `netkg check`
#   Graphviz              `netkg graph` and the notebooks' decision graph
#   Chromium + driver     the browser test of `netkg web` (test set-up only)
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then missing+=(default-jdk-headless); fi
if ! command -v dot >/dev/null 2>&1; then missing+=(graphviz); fi
if [ "${1:-}" = "test" ] && ! [ -x /usr/bin/chromedriver ]; then missing+=(chromium chromium-driver); fi
if [ "${1:-}" = "test" ] && ! command -v virtuoso-t >/dev/null 2>&1; then missing+=(virtuoso-opensource); fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "netkg setup: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "netkg setup: not installed, and not installable here without root and apt: ${missing[*]}" >&2
    echo "  default-jdk-headless: HermiT needs Java 11 or newer and netkg check compiles a small OWL API tool;" >&2
    echo "    without it use --engine fast (the default) and netkg check --no-reasoner." >&2
    echo "  graphviz: without it netkg graph writes the .dot source only." >&2
    echo "  chromium chromium-driver: without them the browser test of netkg web is skipped." >&2
    echo "  virtuoso-opensource: without it the test of the query catalogue on Virtuoso is skipped." >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
