#!/usr/bin/env python3
"""Watches for stalls of the core it runs on, seen from outside the JVM.

Two kinds of line, each with the seconds since start and the UTC wall-clock time (to match a GC
log decorated with time):
  gap   <seconds> <ms> <utc>  a 5 ms sleep that woke at least THRESHOLD_MS late: nothing on this
                              core ran then, whatever the service's own logs say;
  steal <seconds> <ms> <utc>  time the hypervisor gave this core's vCPU to someone else in the last
                              second (the "st" of vmstat, from /proc/stat): the core ran slowly,
                              even where no single gap was long.
Run it pinned to the service's core (taskset). Costs about 0.5 % of the core.
Usage: taskset -c 0 loadtest/stall-probe.py [threshold_ms=50] > stalls.txt
"""
import datetime
import os
import sys
import time

THRESHOLD_MS = float(sys.argv[1]) if len(sys.argv) > 1 else 50.0
TICK = 0.005
CPUS = sorted(os.sched_getaffinity(0))
CORE = f"cpu{CPUS[0]}" if len(CPUS) == 1 else "cpu"
JIFFY_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def steal_jiffies():
    with open("/proc/stat") as f:
        for line in f:
            fields = line.split()
            if fields[0] == CORE:
                return int(fields[8])
    return 0


def utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S.%f")[:-3]


print(f"# kind seconds_since_start ms utc_time (gap: wake-ups at least {THRESHOLD_MS:.0f} ms late,"
      f" tick {TICK * 1000:.0f} ms; steal: {CORE} time taken by the host in the last second)", flush=True)
start = last = last_steal_at = time.monotonic()
stolen = steal_jiffies()
while True:
    time.sleep(TICK)
    now = time.monotonic()
    late_ms = (now - last - TICK) * 1000
    if late_ms >= THRESHOLD_MS:
        print(f"gap {now - start:.3f} {late_ms:.0f} {utc()}", flush=True)
    last = now
    if now - last_steal_at >= 1.0:
        total = steal_jiffies()
        if total > stolen:
            print(f"steal {now - start:.3f} {(total - stolen) * JIFFY_MS:.0f} {utc()}", flush=True)
        stolen, last_steal_at = total, now
