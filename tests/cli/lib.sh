# Sourced by the golden scenarios: runs canvass and shows the command, its
# output and its exit code, so the golden file records all three.
run() { echo "\$ canvass $*"; "$CANVASS" "$@"; echo "[exit $?]"; }
