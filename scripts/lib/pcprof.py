#!/usr/bin/env python3
"""pcprof.py ELF PC_FILE [N]: guest cycles per function from a pc-count file (scripts/guest-profile).

PC_FILE has one line per executed instruction address, "<hex pc> <count>". Prints the total and the N functions
with the most self cycles (instructions executed inside them, calls not included), and writes PC_FILE.ann: the
ELF's disassembly with each instruction's count in front.
"""
import collections
import re
import subprocess
import sys

elf, pc_file = sys.argv[1], sys.argv[2]
top = int(sys.argv[3]) if len(sys.argv) > 3 else 45
counts = {}
with open(pc_file) as f:
    for line in f:
        pc, count = line.split()
        counts[int(pc, 16)] = int(count)
disassembly = subprocess.run(["llvm-objdump", "-d", "-C", "--no-show-raw-insn", elf],
                             capture_output=True, text=True, check=True).stdout
function = None
per_function = collections.Counter()
annotated = []
for line in disassembly.splitlines():
    header = re.match(r"^([0-9a-f]+) <(.*)>:", line)
    if header:
        if not header.group(2).startswith(".L"):  # local labels stay inside their function
            function = header.group(2)
        annotated.append(line)
        continue
    insn = re.match(r"^\s*([0-9a-f]+):\s*(.*)", line)
    if insn:
        count = counts.get(int(insn.group(1), 16), 0)
        per_function[function] += count
        annotated.append(f"{count:9d} {line}")
    else:
        annotated.append(line)
with open(pc_file + ".ann", "w") as f:
    f.write("\n".join(annotated) + "\n")
total = sum(counts.values())
print(f"total {total} cycles (annotated disassembly: {pc_file}.ann)")
for name, count in per_function.most_common(top):
    print(f"{count:11d} {100 * count / max(total, 1):5.1f}%  {name[:150]}")
