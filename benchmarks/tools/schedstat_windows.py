#!/usr/bin/env python3
# schedstat_windows.py DIR RATE: DIR/sched.txt (schedstat_sample.py) against DIR/timeline-RATE.txt (E2E_TIMELINE_DIR):
# per thread group, cores busy and cores waiting in the run queue, in windows with over 50 late acknowledgements
# against windows with none.
import sys, re, collections
d, rate = sys.argv[1], sys.argv[2]
tl = []
for line in open(f'{d}/timeline-{rate}.txt'):
    a = line.split(); tl.append((int(a[0]), int(a[1]), int(a[2])))
samples = []  # (t, {name: (cpu, wait)})
cur = None
for line in open(f'{d}/sched.txt'):
    if line.startswith('T '):
        cur = (int(line[2:]), {}); samples.append(cur)
    elif line.strip():
        n, c, w = line.split(); cur[1][n] = (int(c), int(w))
def group(n):
    kind, rest = n.split(':', 1); comm, tid = rest.rsplit(':', 1)
    comm = re.sub(r'[-_#]?\d+$', '', comm); comm = re.sub(r'\d+', 'N', comm)
    return f'{kind}:{comm}'
# per interval deltas by group
iv = []
for (t0, a), (t1, b) in zip(samples, samples[1:]):
    g = collections.defaultdict(lambda: [0, 0])
    for n, (c, w) in b.items():
        if n in a:
            g[group(n)][0] += c - a[n][0]; g[group(n)][1] += w - a[n][1]
    iv.append((t0, t1, g))
def window_groups(ws, we):
    g = collections.defaultdict(lambda: [0, 0]); span = 0
    for t0, t1, gg in iv:
        ov = min(we, t1) - max(ws, t0)
        if ov <= 0: continue
        f = ov / (t1 - t0); span += ov
        for k, (c, w) in gg.items(): g[k][0] += c * f; g[k][1] += w * f
    return g, span
late, ok = collections.defaultdict(lambda: [0, 0]), collections.defaultdict(lambda: [0, 0])
nl = no = 0
# a window's orders were sent in [s, s+100) and answered up to 25 ms later (or later still, when late): read [s, s+125)
for s, slow, mx in tl:
    if slow > 50:
        g, span = window_groups(s, s + 100 + 25)
        if span == 0: continue
        nl += 1
        for k, v in g.items(): late[k][0] += v[0] / span; late[k][1] += v[1] / span
    elif slow == 0:
        g, span = window_groups(s, s + 125)
        if span == 0: continue
        no += 1
        for k, v in g.items(): ok[k][0] += v[0] / span; ok[k][1] += v[1] / span
print(f'late windows (>50 slow): {nl}, clean windows: {no}  (values: cores busy, cores waiting in run queue)')
keys = sorted(set(late) | set(ok), key=lambda k: -(late[k][0] / max(nl, 1)))
tot = [0, 0, 0, 0]
for k in keys:
    lc, lw = late[k][0] / max(nl, 1) / 1e6, late[k][1] / max(nl, 1) / 1e6
    oc, ow = ok[k][0] / max(no, 1) / 1e6, ok[k][1] / max(no, 1) / 1e6
    tot[0] += lc; tot[1] += lw; tot[2] += oc; tot[3] += ow
    if max(lc, oc, lw, ow) > 0.01:
        print(f'{k:40s} late cpu {lc:5.2f} wait {lw:5.2f} | clean cpu {oc:5.2f} wait {ow:5.2f}')
print(f'{"TOTAL":40s} late cpu {tot[0]:5.2f} wait {tot[1]:5.2f} | clean cpu {tot[2]:5.2f} wait {tot[3]:5.2f}')
