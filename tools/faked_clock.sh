#!/bin/sh
# The suite under a faked clock (decision 0123; not part of CI). Two kinds of run:
#
#   tools/faked_clock.sh fast '2026-12-31 22:59:50' [pytest args]
#       libfaketime (apt-get install faketime): the process starts at that UTC instant
#       and its clock runs twenty times fast (FAKETIME_SPEED, default 20), so every test
#       crosses second boundaries and many cross a 30 s authenticator step; each xdist
#       worker starts at the instant again.
#   tools/faked_clock.sh boundary 2027-01-01T00:00:00+01:00 [pytest args]
#       every test starts up to 0.4 s before that instant (tests/boundary_clock.py):
#       a midnight, a DST change, a month's end falls inside its set-up or its body.
#
# Browser journeys are left out (Chromium needs no faked clock). SQLite only: the
# PostgreSQL server's clock is not faked. Default pytest args: the whole suite, -n 2.
set -eu
mode=$1 instant=$2
shift 2
[ $# -gt 0 ] || set -- -n 2 --dist worksteal
cd "$(dirname "$0")/.."
case $mode in
fast)
    lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
    [ -e "$lib" ] || { echo "libfaketime is missing: apt-get install faketime" >&2; exit 2; }
    # Monotonic clocks are faked too: FAKETIME_DONT_FAKE_MONOTONIC=1 makes Python's
    # time.sleep fail with EINVAL (libfaketime 0.9.10). At x20 the access matrix's
    # world signs in once and its sessions idle out (30 minutes) after 90 s: its tests
    # and the walks on it then fail on that alone (decision 0123).
    exec env -u DATABASE_URL TZ=UTC LD_PRELOAD="$lib" \
        FAKETIME="@$instant x${FAKETIME_SPEED:-20}" \
        nice -n 10 .venv/bin/python -m pytest -rf -m "not e2e" --ignore=tests/e2e "$@"
    ;;
boundary)
    exec env -u DATABASE_URL TESSERA_BOUNDARY_CLOCK="$instant" \
        nice -n 10 .venv/bin/python -m pytest -rf -p tests.boundary_clock -m "not e2e" \
        --ignore=tests/e2e "$@"
    ;;
*)
    echo "usage: $0 fast|boundary INSTANT [pytest args]" >&2
    exit 2
    ;;
esac
