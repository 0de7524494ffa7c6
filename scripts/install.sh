#!/usr/bin/env bash
# Install learnact with its embedded model runtime into .venv, for a newcomer.
#
# Checks what the build needs first and says what is missing (it installs no system
# packages itself: run the apt-get line it prints, then run it again):
# - Python >= 3.11 with venv;
# - a C/C++ compiler and cmake: llama-cpp-python builds llama.cpp from source (PyPI has no
#   prebuilt wheel of it; docs/models.md says what was evaluated);
# - libseccomp2, the sandbox's syscall filter (present on most Linux systems).
#
# llama.cpp is built with GGML_NATIVE=OFF (the native build crashes at the first decode
# on CPUs with AVX-512/AMX) and LLAVA_BUILD=OFF (learnact uses no vision model; skipping
# it shortens the build). Set CMAKE_ARGS to build otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
missing=()
apt=()
if ! command -v "$PYTHON" >/dev/null; then
  missing+=("Python >= 3.11 ($PYTHON not found)")
  apt+=(python3 python3-venv)
elif ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  missing+=("Python >= 3.11 ($PYTHON is $("$PYTHON" -V 2>&1))")
elif ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=("Python's venv module")
  apt+=(python3-venv)
fi
command -v g++ >/dev/null || { missing+=("a C++ compiler (g++)"); apt+=(g++); }
command -v cmake >/dev/null || { missing+=("cmake"); apt+=(cmake); }
if ! ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2'; then
  missing+=("libseccomp2 (the sandbox's syscall filter)")
  apt+=(libseccomp2)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "error: missing: $(IFS=';'; echo "${missing[*]}" | sed 's/;/; /g')" >&2
  [ ${#apt[@]} -gt 0 ] && echo "on Debian/Ubuntu: sudo apt-get install -y ${apt[*]}" >&2
  exit 2
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
echo "installing learnact into .venv; building llama.cpp from source takes most of it" \
     "(about 5 minutes on 2 cores, see README.md)..." >&2
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF}"
.venv/bin/python -m pip install -q ".[local]"
echo "installed. Try: .venv/bin/learnact quickstart   (or: source .venv/bin/activate)" >&2
