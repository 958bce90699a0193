#!/usr/bin/env python3
"""The zone oracle for tests/zones.rs and tests/rhino/run-zones.js.

It compiles the tz source the build uses (tz/, given as the first argument) with
`zic`, the reference compiler, into a temporary folder, and answers from Python's
`zoneinfo` reading only that folder: neither the system's tzdata nor PyPI's `tzdata`
is consulted, so their releases do not matter.

Protocol, one request per line on stdin, one answer line each on stdout:
  day ZONE YEAR MONTH DAY        -> the day's first instant, in seconds since 1970
  days ZONE FROM_YEAR TO_YEAR    -> the first instants of every day from FROM_YEAR-01-01
                                    through (TO_YEAR+1)-01-01, space-separated
  names                          -> every zone name zic wrote, space-separated
  transitions ZONE               -> every change of UTC offset in zic's file (to 2037),
                                    as INSTANT:BEFORE:AFTER, space-separated (read from
                                    the TZif data directly, not through zoneinfo)
A day's first instant is midnight, or, when midnight is skipped, the first instant
whose local time is after midnight. It is clamped to 0001-01-01T00:00Z, as the core
clamps it. An unknown zone answers "missing ZONE".
"""

import datetime as dt
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zoneinfo

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
MIN_S = -62135596800  # 0001-01-01T00:00Z
FILES = ["africa", "antarctica", "asia", "australasia", "europe", "northamerica",
         "southamerica", "etcetera", "backward"]


def compile_tz(src, out):
    zic = shutil.which("zic") or "/usr/sbin/zic"
    # -b fat: every transition in the file, not only those before the POSIX footer's
    # year, so zoneinfo's own footer logic is exercised only past 2037.
    subprocess.run([zic, "-b", "fat", "-d", out] + [os.path.join(src, f) for f in FILES],
                   check=True)


def tzif_transitions(path):
    """The (instant, offset before, offset after) of each change of total offset in a
    TZif file's 64-bit part (RFC 8536); times before the first use type 0."""
    with open(path, "rb") as f:
        data = f.read()
    def counts(at):
        assert data[at:at + 4] == b"TZif", path
        return struct.unpack(">6l", data[at + 20:at + 44])
    isut, isstd, leap, timecnt, typecnt, charcnt = counts(0)
    at = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
    isut, isstd, leap, timecnt, typecnt, charcnt = counts(at)
    at += 44
    times = struct.unpack(">%dq" % timecnt, data[at:at + timecnt * 8])
    at += timecnt * 8
    idx = data[at:at + timecnt]
    at += timecnt
    offs = [struct.unpack(">lBB", data[at + 6 * i:at + 6 * i + 6])[0] for i in range(typecnt)]
    out, prev = [], offs[0]
    for t, i in zip(times, idx):
        if offs[i] != prev and t >= MIN_S:
            out.append((t, prev, offs[i]))
        prev = offs[i]
    return out


def offset_at(zone, t):
    """The zone's UTC offset in seconds at instant t (seconds since 1970)."""
    try:
        local = (EPOCH + dt.timedelta(seconds=t)).astimezone(zone)
    except OverflowError:
        local = (EPOCH + dt.timedelta(seconds=t + 2 * 86400)).astimezone(zone)
    return int(local.utcoffset().total_seconds())


def day_start(zone, date):
    local = (date - dt.date(1970, 1, 1)).days * 86400
    try:
        wall = dt.datetime(date.year, date.month, date.day, tzinfo=zone)  # fold=0: earlier
        off = int(wall.utcoffset().total_seconds())
    except OverflowError:
        return MIN_S
    t = local - off
    if t < MIN_S:
        return MIN_S
    if offset_at(zone, t) == off:
        return t
    # Midnight is in a gap: search the first instant whose local time is >= midnight,
    # using only zoneinfo's offsets (monotone around a single gap).
    lo, hi = t - 2 * 86400, t
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mid + offset_at(zone, mid) >= local:
            hi = mid
        else:
            lo = mid
    return hi


def main():
    src = sys.argv[1]
    out = tempfile.mkdtemp(prefix="export-guard-zic-")
    try:
        compile_tz(src, out)
        zoneinfo.reset_tzpath(to=[out])
        names = sorted(
            os.path.relpath(os.path.join(d, f), out)
            for d, _, fs in os.walk(out) for f in fs
            if f not in ("tzdata.zi", "leapseconds", "zone.tab", "zone1970.tab"))
        known = set(names)
        cache = {}

        def zone(name):
            if name not in known:
                return None
            if name not in cache:
                cache[name] = zoneinfo.ZoneInfo(name)
            return cache[name]

        for line in sys.stdin:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "names":
                print(" ".join(names), flush=True)
                continue
            if parts[0] == "transitions":
                if parts[1] not in known:
                    print("missing " + parts[1], flush=True)
                    continue
                found = tzif_transitions(os.path.join(out, parts[1]))
                print(" ".join("%d:%d:%d" % x for x in found), flush=True)
                continue
            z = zone(parts[1])
            if z is None:
                print("missing " + parts[1], flush=True)
            elif parts[0] == "day":
                d = dt.date(int(parts[2]), int(parts[3]), int(parts[4]))
                print(day_start(z, d), flush=True)
            elif parts[0] == "days":
                d = dt.date(int(parts[2]), 1, 1)
                end = dt.date(int(parts[3]) + 1, 1, 1)
                starts = []
                while d <= end:
                    starts.append(str(day_start(z, d)))
                    d += dt.timedelta(days=1)
                print(" ".join(starts), flush=True)
            else:
                print("bad request " + parts[0], flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
