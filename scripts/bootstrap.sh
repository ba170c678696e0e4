# Sourced by demo.sh and test.sh: find Python (3.12+ preferred for Django 6, 3.11 accepted), install uv,
# and sync the locked dependencies into .venv. Nothing is downloaded but packages from the registries.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
apt_updated=""
apt_install() {
    command -v apt-get >/dev/null || { echo "please install: $*" >&2; return 1; }
    if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

find_python() {
    local candidate
    for candidate in python3.13 python3.12 "$HOME"/.pyenv/versions/3.13*/bin/python3 \
                     "$HOME"/.pyenv/versions/3.12*/bin/python3 python3; do
        if command -v "$candidate" >/dev/null 2>&1 \
           && "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"; return 0
        fi
    done
    return 1
}

PYTHON=$(find_python) || { echo "Encours needs Python 3.11 or newer." >&2; exit 1; }
if ! "$PYTHON" -c 'import ensurepip' 2>/dev/null; then apt_install python3-venv; fi
if [ ! -x .tools/bin/uv ]; then
    "$PYTHON" -m venv .tools
    .tools/bin/python -m pip install -q --disable-pip-version-check uv
fi
export UV_PYTHON="$PYTHON" UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT="$PWD/.venv"
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    rm -rf .venv
fi
.tools/bin/uv sync --frozen --quiet
# The French catalog is compiled here, with Babel (a locked dependency): no GNU gettext needed.
.venv/bin/python scripts/compile_messages.py
