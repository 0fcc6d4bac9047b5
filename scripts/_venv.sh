# Sourced by the scripts: make .venv with routetree and its dev tools, once per change of
# pyproject.toml, then point $PY at its interpreter.
VENV="${ROUTETREE_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
STAMP="$VENV/.routetree-installed"
WANT="$(cat pyproject.toml | sha1sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    echo "Installing routetree and its development tools into $VENV ..." >&2
    "$PY" -m pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' >&2 || true
    "$PY" -m pip install --quiet -e '.[dev]' 2>&1 | grep -v '^WARNING: Location' >&2 || true
    "$PY" -c 'import routetree' || { echo "install failed" >&2; exit 1; }
    echo "$WANT" > "$STAMP"
fi
