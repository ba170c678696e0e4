#!/usr/bin/env bash
# Install everything and start Encours on SQLite with demo data: bash scripts/demo.sh [encours demo options]
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
export ENCOURS_DEMO=true
exec .venv/bin/encours demo "$@"
