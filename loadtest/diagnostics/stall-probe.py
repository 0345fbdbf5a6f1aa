#!/usr/bin/env python3
"""Watches for stalls of the core it runs on, seen from outside the JVM.

Two kinds of line, each with the seconds since start and the UTC wall-clock time (to match a GC
log decorated with time):
  gap   <seconds> <ms> <utc>  a 5 ms sleep that woke at least THRESHOLD_MS late: nothing on this
                              core ran then, whatever the service's own logs say;
  steal <seconds> <ms> <utc>  time the hypervisor gave this core's vCPU to someone else in the last
                              second (the "st" of vmstat, from /proc/stat): the core ran slowly,
                              even where no single gap was long;
  busy  <seconds> <ms> <utc> others=<ms> event_loops=<ms> <thread>=<ms> ... other_processes=<ms> softirq=<ms>
                              with the service's pid: a second in which its event loops waited at
                              least BUSY_MS for the core while runnable (the run-queue wait of
                              /proc/<pid>/task/*/schedstat) and at least BUSY_MS of the core went to
                              others than the event loops; then who they were: the service's busiest
                              other threads (the JIT compilers, the collector...), other processes,
                              and apart, the kernel's softirq time (the network stack). The core's
                              busy time comes from /proc/stat's tick accounting, so "others" and
                              "other_processes" are coarse: whole clock ticks, sampled once a second.
Run it pinned to the service's core (taskset): it must compete for that core to see it taken away.
It sleeps between ticks and reads /proc once a second, so it takes little of the core it watches.
Usage: taskset -c 0 loadtest/diagnostics/stall-probe.py [threshold_ms=50] [service_pid] > stalls.txt
"""
import datetime
import os
import sys
import time

THRESHOLD_MS = float(sys.argv[1]) if len(sys.argv) > 1 else 50.0
PID = sys.argv[2] if len(sys.argv) > 2 else None
# Two event loops sharing one core wait for each other at full load anyway; the threshold sits above
# that wait, so that a busy line means the core went to someone else.
BUSY_MS = 250.0
TICK = 0.005
CPUS = sorted(os.sched_getaffinity(0))
CORE = f"cpu{CPUS[0]}" if len(CPUS) == 1 else "cpu"
JIFFY_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def core_jiffies():
    """(busy, softirq, steal) jiffies of this core since boot, from /proc/stat; busy leaves out the
    softirq time (mostly the network stack carrying the requests, charged to no thread)."""
    with open("/proc/stat") as f:
        for line in f:
            fields = line.split()
            if fields[0] == CORE:
                user, nice, system, idle, iowait, irq, softirq, steal = map(int, fields[1:9])
                return user + nice + system + irq, softirq, steal
    return 0, 0, 0


names = {}


def thread_times():
    """{tid: (name, cpu_ns, run_queue_wait_ns)} of the service's threads; {} once it has gone."""
    times = {}
    try:
        tids = os.listdir(f"/proc/{PID}/task")
    except OSError:
        return times
    for tid in tids:
        try:
            if tid not in names:
                with open(f"/proc/{PID}/task/{tid}/comm") as f:
                    names[tid] = f.read().strip()
            with open(f"/proc/{PID}/task/{tid}/schedstat") as f:
                cpu, wait = f.read().split()[:2]
            times[tid] = (names[tid], int(cpu), int(wait))
        except OSError:
            pass  # a thread that ended
    return times


def busy_line(before, after, core_busy_ms, softirq_ms):
    """The busy line for one second, or None unless the event loops waited for the core while at
    least BUSY_MS of it went to anything else: other threads of the service or other processes."""
    def loops(t, n):
        return t in before and n.startswith("vert.x-eventloo")
    waited = sum(w - before[t][2] for t, (n, c, w) in after.items() if loops(t, n)) / 1e6
    loop_cpu = sum(c - before[t][1] for t, (n, c, w) in after.items() if loops(t, n)) / 1e6
    others = core_busy_ms - loop_cpu
    if waited < BUSY_MS or others < BUSY_MS:
        return None
    used = {}
    for t, (n, c, w) in after.items():
        if not n.startswith("vert.x-eventloo"):
            used[n] = used.get(n, 0) + (c - before.get(t, (n, 0, 0))[1]) / 1e6
    top = sorted(used.items(), key=lambda e: -e[1])[:3]
    service = sum(used.values())
    return (f"{waited:.0f} {utc()} others={others:.0f} event_loops={loop_cpu:.0f} "
            + " ".join(f"{n.replace(' ', '_')}={ms:.0f}" for n, ms in top)
            + f" other_processes={max(0.0, others - service):.0f} softirq={softirq_ms:.0f}")


def utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S.%f")[:-3]


print(f"# kind seconds_since_start ms utc_time (gap: wake-ups at least {THRESHOLD_MS:.0f} ms late,"
      f" tick {TICK * 1000:.0f} ms; steal: {CORE} time taken by the host in the last second;"
      f" busy: seconds in which the event loops of pid {PID} waited {BUSY_MS:.0f} ms or more for the core"
      f" while others used {BUSY_MS:.0f} ms or more of it)", flush=True)
start = last = last_steal_at = time.monotonic()
busy, softirq, stolen = core_jiffies()
threads = thread_times() if PID else {}
# Some hypervisors never report steal: then its absence below says nothing.
print(f"# steal_since_boot_ms {stolen * JIFFY_MS:.0f}", flush=True)
while True:
    time.sleep(TICK)
    now = time.monotonic()
    late_ms = (now - last - TICK) * 1000
    if late_ms >= THRESHOLD_MS:
        print(f"gap {now - start:.3f} {late_ms:.0f} {utc()}", flush=True)
    last = now
    if now - last_steal_at >= 1.0:
        busy_now, softirq_now, total = core_jiffies()
        if total > stolen:
            print(f"steal {now - start:.3f} {(total - stolen) * JIFFY_MS:.0f} {utc()}", flush=True)
        if PID:
            sampled = thread_times()
            line = busy_line(threads, sampled, (busy_now - busy) * JIFFY_MS,
                             (softirq_now - softirq) * JIFFY_MS)
            if line:
                print(f"busy {now - start:.3f} {line}", flush=True)
            threads = sampled
        busy, softirq, stolen, last_steal_at = busy_now, softirq_now, total, now
