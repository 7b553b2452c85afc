#!/usr/bin/env python3
"""Which code of a running vip-agent is resident: the pages of the binary's executable mapping
present in the process (/proc/PID/pagemap), each given to the Swift module (from the mangled
name: $s<len><Module>…), C library (BoringSSL, the Swift runtime, dispatch, CoreFoundation, ICU)
whose functions start in it, shared equally when several do. Run as root:

    resident-code.py PID BINARY [TOP]
"""
import bisect
import collections
import os
import re
import struct
import subprocess
import sys

MANGLED = re.compile(r"\$s(\d+)([A-Za-z_][A-Za-z0-9_]*)")


def module(name):
    if name.startswith(("$ss", "$sS")):
        return "Swift (standard library)"
    m = MANGLED.match(name)
    if m:
        return m.group(2)[: int(m.group(1))]
    if "BoringSSL" in name:
        return "BoringSSL"
    if name.startswith(("swift_", "_swift", "__swift", "_ZN5swift", "_ZNK5swift")):
        return "Swift runtime"
    if name.startswith(("_dispatch", "dispatch_")):
        return "dispatch"
    if name.startswith(("_CF", "CF", "__CF")):
        return "CoreFoundation"
    if "icu_" in name:
        return "ICU"
    if name.startswith("_Z"):
        return "other C++"
    return "other C"


def main():
    pid, binary = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    real = os.path.realpath(binary)
    maps = [line.split() for line in open(f"/proc/{pid}/maps") if line.rstrip().endswith(real)]
    if not maps:
        sys.exit(f"resident-code: {real} is not mapped by {pid}")
    base = int(maps[0][0].split("-")[0], 16) - int(maps[0][2], 16)
    symbols = []
    nm = subprocess.run(["nm", "-n", "--defined-only", binary], capture_output=True, text=True, check=True)
    for line in nm.stdout.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "tTwW":
            symbols.append((int(parts[0], 16), parts[2]))
    starts = [a for a, _ in symbols]
    by_module = collections.Counter()
    resident = 0
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for fields in maps:
            if "x" not in fields[1]:
                continue
            low, high = (int(x, 16) for x in fields[0].split("-"))
            for address in range(low, high, 4096):
                pagemap.seek(address // 4096 * 8)
                if not struct.unpack("Q", pagemap.read(8))[0] >> 63:
                    continue
                resident += 4
                offset = address - base
                first = max(bisect.bisect_right(starts, offset) - 1, 0)
                last = bisect.bisect_left(starts, offset + 4096)
                names = {module(n) for _, n in symbols[first:max(last, first + 1)]}
                for name in names:
                    by_module[name] += 4 / len(names)
    print(f"resident code: {resident / 1024:.1f} MiB of the executable mapping, by module (KiB):")
    for name, kib in by_module.most_common(top):
        print(f"{kib:8.0f}  {name}")


if __name__ == "__main__":
    main()
