#!/usr/bin/env python3
"""Runs a command and samples the memory of its whole process tree (the command and every descendant).

SP1's CPU prover runs its executor in a child process that shares trace buffers with the parent, so neither the
parent's VmHWM (zk-prover's `peak_rss_bytes`) nor `/usr/bin/time -v` (the largest single process) is what the
kernel's OOM killer counts. This sums, every INTERVAL seconds, the proportional set size (PSS: shared pages split
between the processes that map them, so counted once) and the resident set size of the tree.

usage: treemem.py [--interval S] [--log FILE] -- COMMAND [ARGS...]
The command's stdout and stderr pass through; its exit status is returned. At the end one line on stderr:
  treemem: peak_pss_bytes=N peak_rss_bytes=M at_s=T samples=K
With --log, one line per sample: seconds since start, tree PSS, tree RSS, the largest process's RSS, its pid.
"""
import os
import subprocess
import sys
import time


def children_of():
    """pid -> list of child pids, for every process now alive."""
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            # The command name may contain spaces or parentheses: the parent pid follows the last ')'.
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(name))
    return kids


def tree(root):
    kids = children_of()
    out, todo = [], [root]
    while todo and len(out) < 10_000:  # a bound on a runaway tree
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def kib_field(path, field):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def main():
    args = sys.argv[1:]
    interval, log_path = 1.0, None
    while args and args[0] != "--":
        if args[0] == "--interval":
            interval = float(args[1]); args = args[2:]
        elif args[0] == "--log":
            log_path = args[1]; args = args[2:]
        else:
            sys.exit(__doc__)
    if not args or args[0] != "--" or len(args) < 2:
        sys.exit(__doc__)
    cmd = args[1:]
    started = time.monotonic()
    proc = subprocess.Popen(cmd)
    log = open(log_path, "w") if log_path else None
    peak_pss = peak_rss = 0
    peak_at = 0.0
    samples = 0
    while proc.poll() is None:
        pss = rss = top_rss = top_pid = 0
        for pid in tree(proc.pid):
            p = kib_field(f"/proc/{pid}/smaps_rollup", "Pss:")
            r = kib_field(f"/proc/{pid}/status", "VmRSS:")
            pss += p
            rss += r
            if r > top_rss:
                top_rss, top_pid = r, pid
        samples += 1
        t = time.monotonic() - started
        if pss > peak_pss:
            peak_pss, peak_at = pss, t
        peak_rss = max(peak_rss, rss)
        if log:
            log.write(f"{t:.1f}\t{pss}\t{rss}\t{top_rss}\t{top_pid}\n")
            log.flush()
        time.sleep(interval)
    print(f"treemem: peak_pss_bytes={peak_pss} peak_rss_bytes={peak_rss} at_s={peak_at:.0f} samples={samples}",
          file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
