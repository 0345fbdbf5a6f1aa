#!/usr/bin/env python3
"""Watches for stalls of the core it runs on, seen from outside the JVM.

Sleeps 5 ms at a time and prints every wake-up that came at least THRESHOLD_MS late, as
"seconds_since_start gap_ms wall_clock" (UTC, to match a GC log decorated with time). Run it pinned to the service's core (taskset): a gap it sees is time
in which nothing on that core ran, whatever the service's own logs say. Costs about 0.5 % of the core.
Usage: taskset -c 0 loadtest/stall-probe.py [threshold_ms=50] > stalls.txt
"""
import datetime
import sys
import time

THRESHOLD_MS = float(sys.argv[1]) if len(sys.argv) > 1 else 50.0
TICK = 0.005

print(f"# seconds_since_start gap_ms utc_time (wake-ups at least {THRESHOLD_MS:.0f} ms late; tick {TICK * 1000:.0f} ms)", flush=True)
start = last = time.monotonic()
while True:
    time.sleep(TICK)
    now = time.monotonic()
    late_ms = (now - last - TICK) * 1000
    if late_ms >= THRESHOLD_MS:
        wall = datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S.%f")[:-3]
        print(f"{now - start:.3f} {late_ms:.0f} {wall}", flush=True)
    last = now
