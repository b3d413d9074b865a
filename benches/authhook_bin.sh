# Sourced by the benchmark scripts: sets AUTHHOOK_BIN to the binary to measure, the one named by
# AUTHHOOK_BIN when it is set (nothing is built for it), else the crate's, built here in release
# into TARGET_DIR. Exits when that binary cannot be run.

if [[ -n ${AUTHHOOK_BIN:-} ]]; then
	echo "==> using AUTHHOOK_BIN=$AUTHHOOK_BIN (not building the crate's binary)" >&2
else
	echo "==> building authhook (release)" >&2
	cargo build --release --quiet
	AUTHHOOK_BIN=$TARGET_DIR/release/authhook
fi
if [[ ! -x $AUTHHOOK_BIN ]] && ! AUTHHOOK_BIN=$(command -v "$AUTHHOOK_BIN"); then
	echo "error: authhook binary '$AUTHHOOK_BIN' not found or not executable" >&2
	exit 1
fi
AUTHHOOK_BIN=$(realpath "$AUTHHOOK_BIN")
