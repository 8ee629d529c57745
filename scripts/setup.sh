#!/usr/bin/env bash
# Set up netkg on a fresh machine: Java for HermiT (when missing and we may install it),
# a virtual environment in .venv, and the package (with test extras when asked: `setup.sh test`).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "netkg setup: installing a Java development kit for HermiT and the OWL API checks (default-jdk-headless)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless >/dev/null
  else
    echo "netkg setup: no Java development kit found. HermiT (the reference reasoner) needs Java 11 or newer," >&2
    echo "  and netkg check compiles a small OWL API tool with javac;" >&2
    echo "  install one (Debian/Ubuntu: sudo apt-get install default-jdk-headless) or use --engine fast." >&2
  fi
fi

if ! command -v dot >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "netkg setup: installing Graphviz for drawing the decision graph (graphviz)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
  else
    echo "netkg setup: Graphviz's dot program not found; 'netkg graph' will write .dot source only" >&2
    echo "  (Debian/Ubuntu: sudo apt-get install graphviz)." >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "test" ]; then
  if ! [ -x /usr/bin/chromedriver ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "netkg setup: installing Chromium and its driver for the browser test of netkg web (chromium chromium-driver)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
