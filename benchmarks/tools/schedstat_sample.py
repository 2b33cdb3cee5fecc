#!/usr/bin/env python3
# schedstat_sample.py OUT SECONDS: every 100 ms, each thread's time on a core and time runnable but waiting (ns, from
# /proc/<pid>/task/<tid>/schedstat) for the fleet JVM, its PostgreSQL, the guest and the load generator; pair it with
# ./scripts/bench's E2E_TIMELINE_DIR and read both with schedstat_windows.py (docs/benchmarks.md, session 16).
import os, sys, time
out = open(sys.argv[1], 'w')
def scan():
    res = []
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try: cmd = open(f'/proc/{p}/cmdline','rb').read().replace(b'\0',b' ').decode(errors='replace')
        except Exception: continue
        kind = ('fleet' if 'FleetMain' in cmd else 'gen' if 'E2eBenchmark' in cmd else
                'pg' if cmd.split(' ')[0].endswith('postgres') or cmd.startswith('postgres:') else
                'guest' if ('zk-prover' in cmd or 'zk-guest' in cmd) else None)
        if not kind: continue
        try: tids = os.listdir(f'/proc/{p}/task')
        except Exception: continue
        for t in tids:
            try: comm = open(f'/proc/{p}/task/{t}/comm').read().strip().replace(' ','_')
            except Exception: continue
            res.append((f'{kind}:{comm}:{t}', f'/proc/{p}/task/{t}/schedstat'))
    return res
last = 0; ths = []
deadline = time.time() + float(sys.argv[2])
while time.time() < deadline:
    t = time.time()
    if t - last > 2: ths = scan(); last = t
    rows = []
    for name, path in ths:
        try: s = open(path).read().split(); rows.append(f'{name} {s[0]} {s[1]}')
        except Exception: pass
    out.write(f'T {int(t*1000)}\n' + '\n'.join(rows) + '\n')
    time.sleep(max(0, 0.1 - (time.time() - t)))
