#!/usr/bin/env python3
"""Runs a command and writes `wall user sys maxrss_kib` to OUT, like GNU time's `%e %U %S %M`
but with the wall time to the microsecond (GNU time rounds it to 10 ms, too coarse for runs of
a few tens of milliseconds). User and system time and peak RSS still come from GNU time, which
runs the command: a process forked from Python would carry Python's own pages into the peak RSS.
Usage: timed.py OUT COMMAND [ARG...]; exits with the command's status."""
import os
import subprocess
import sys
import time

out, command = sys.argv[1], sys.argv[2:]
usage_file = out + ".usage"
start = time.perf_counter()
status = subprocess.call(["/usr/bin/time", "-q", "-f", "%U %S %M", "-o", usage_file, *command])
wall = time.perf_counter() - start
with open(usage_file) as f:
    usage = f.read().split()[-3:]
with open(out, "w") as f:
    f.write(f"{wall:.4f} {' '.join(usage)}\n")
os.remove(usage_file)
sys.exit(status)
