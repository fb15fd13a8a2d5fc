#!/usr/bin/env bash
# Create both virtual environments, idempotently:
#   .venv       the application (Python 3.11+)
#   .venv-rasa  Rasa Open Source 3.6 (supports only Python 3.8-3.10; we use 3.10)
# A stamp file holds a hash of the requirements, so a second run with nothing changed is instant.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
# pip on these machines warns about configured local indexes that do not exist; hide only that.
quiet() {
  set +o pipefail
  "$@" 2>&1 | { grep -v -e "WARNING: Location 'file:" || true; }
  local rc=${PIPESTATUS[0]}
  set -o pipefail
  return "$rc"
}

version_ok() {  # version_ok PYTHON MIN_MINOR MAX_MINOR
  "$1" -c "import sys; sys.exit(0 if sys.version_info[0] == 3 and $2 <= sys.version_info[1] <= $3 else 1)" \
    >/dev/null 2>&1
}

find_python() {  # find_python MIN MAX candidates...
  local min=$1 max=$2; shift 2
  local cand
  for cand in "$@"; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 && version_ok "$cand" "$min" "$max"; then
      command -v "$cand"; return 0
    fi
  done
  return 1
}

pyenv_candidates() {  # pyenv_candidates 3.10
  local dir
  for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1"*/bin/python"$1"; do
    [ -x "$dir" ] && echo "$dir"
  done
  return 0
}

# --- the application -------------------------------------------------------------------------
APP_PY=$(find_python 11 13 "${PYTHON_APP:-}" python3.13 python3.12 python3.11 python3 \
  $(pyenv_candidates 3.12) $(pyenv_candidates 3.11)) || {
  echo "setup: Python 3.11 or newer is needed for the application; install it (e.g. apt-get install python3.11 python3.11-venv) or set PYTHON_APP." >&2
  exit 1
}
app_stamp=".venv/.installed-$(hash_of pyproject.toml)"
if [ ! -f "$app_stamp" ]; then
  say "creating .venv with $APP_PY"
  [ -x .venv/bin/python ] || "$APP_PY" -m venv .venv
  quiet .venv/bin/python -m pip install --quiet --upgrade pip
  quiet .venv/bin/python -m pip install --quiet -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$app_stamp"
fi

# --- Rasa ------------------------------------------------------------------------------------
RASA_PY=$(find_python 10 10 "${PYTHON310:-}" python3.10 $(pyenv_candidates 3.10) \
  /usr/bin/python3.10 /usr/local/bin/python3.10) || {
  cat >&2 <<'MSG'
setup: Python 3.10 was not found. Rasa Open Source 3.6 runs only on Python 3.8-3.10, so the NLU
server needs it in its own virtual environment. Install Python 3.10 (for example
`pyenv install 3.10`, or `apt-get install python3.10 python3.10-venv` where your distribution has it)
or point PYTHON310 at a python3.10 executable, then run this again.
MSG
  exit 1
}
rasa_stamp=".venv-rasa/.installed-$(hash_of nlu/requirements-rasa.txt nlu/constraints-rasa.txt)"
if [ ! -f "$rasa_stamp" ]; then
  say "creating .venv-rasa with $RASA_PY (Rasa and TensorFlow: a few minutes the first time)"
  [ -x .venv-rasa/bin/python ] || "$RASA_PY" -m venv .venv-rasa
  quiet .venv-rasa/bin/python -m pip install --quiet --upgrade "pip<25" "setuptools<71" wheel
  quiet .venv-rasa/bin/python -m pip install --quiet -r nlu/requirements-rasa.txt \
    -c nlu/constraints-rasa.txt
  SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2 .venv-rasa/bin/rasa --version >/dev/null
  rm -f .venv-rasa/.installed-*
  touch "$rasa_stamp"
fi
# --- the browser for the console's end-to-end tests -------------------------------------------
# Debian's Chromium (driven by Playwright through its executable path; no browser download) and
# fonts, so screenshots show Chinese and the reminder previews' emoji instead of boxes.
browser_pkgs=()
[ -x /usr/bin/chromium ] || browser_pkgs+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || browser_pkgs+=(fonts-noto-cjk)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || browser_pkgs+=(fonts-noto-color-emoji)
if [ ${#browser_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${browser_pkgs[*]} for the console's browser tests"
    quiet apt-get install -y --no-install-recommends "${browser_pkgs[@]}" \
      || { quiet apt-get update && quiet apt-get install -y --no-install-recommends "${browser_pkgs[@]}"; }
  else
    say "browser tests of the console are skipped until you install: sudo apt-get install ${browser_pkgs[*]}"
  fi
fi
# --- the NLU server's auth token (nlu/auth.py) -------------------------------------------------
# Made once, mode 0600, in var/ (ignored by git); NLU_AUTH_TOKEN, when set, is used instead.
.venv/bin/python -m nlu.auth var/nlu-token

say "ready (.venv: $(.venv/bin/python -V 2>&1), .venv-rasa: $(.venv-rasa/bin/python -V 2>&1))"
