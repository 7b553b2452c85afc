#!/usr/bin/env python3
"""The link order of vip-agent's code (scripts/hot-code): the functions that ran in callgrind
dumps, for lld's --symbol-ordering-file.

    hot-code-order.py OBJECT MONOLITHIC DUMP... [-- DUMP...]...

Each group of dumps (separated by --) is a tier: the functions that ran in it and in no earlier
group, the most run first; within a tier, those in sections of their own come first, then those
in MONOLITHIC sections (a file of names, one a line: the functions of the toolchain's prebuilt
libraries that share one `.text` with their whole object; ordering such a name moves the whole
section, so it comes after the compact block instead of splitting it).

OBJECT is matched against the base name of callgrind's `ob=` (the binary). Each dump's names are
compressed ("fn=(12) name" once, "fn=(12)" after); the self cost of a function is the sum of the
cost lines under its `fn=` that are not the inclusive cost of a call (the line after `calls=`).
Names are printed as recorded: run callgrind with --demangle=no to get the linker's symbols.
"""
import os
import re
import sys
from collections import defaultdict

SPEC = re.compile(r"^(c?ob|c?fn|fl|fi|fe|cfi|cfl)=(?:\((\d+)\))?\s*(.*)$")


def self_costs(path, wanted, costs):
    names = {"ob": {}, "fn": {}}
    ob = fn = None
    skip_next = False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if skip_next:
                skip_next = False
                continue
            m = SPEC.match(line)
            if m:
                kind, ident, name = m.groups()
                table = "ob" if kind.endswith("ob") else "fn" if kind.endswith("fn") else None
                if table is None:
                    continue
                if ident is not None and name:
                    names[table][ident] = name
                resolved = names[table].get(ident, name) if ident is not None else name
                if kind == "ob":
                    ob = resolved
                elif kind == "fn":
                    fn = resolved
                continue
            if line.startswith("calls="):
                skip_next = True
                continue
            if not line or not (line[0].isdigit() or line[0] in "+-*"):
                continue
            if fn is None or ob is None or os.path.basename(ob) != wanted:
                continue
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                costs[re.sub(r"'\d+$", "", fn)] += int(parts[1])


def ranked(paths, wanted):
    costs = defaultdict(int)
    for path in paths:
        self_costs(path, wanted, costs)
    return [name for name, cost in sorted(costs.items(), key=lambda kv: (-kv[1], kv[0]))
            if cost > 0 and not name.startswith("0x")]


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    wanted, monolithic = args[0], set(open(args[1]).read().split())
    groups, group = [], []
    for arg in args[2:]:
        if arg == "--":
            groups.append(group)
            group = []
        else:
            group.append(arg)
    groups.append(group)
    seen = set()
    for paths in groups:
        names = [n for n in ranked(paths, wanted) if n not in seen]
        seen.update(names)
        for name in names:
            if name not in monolithic:
                print(name)
        for name in names:
            if name in monolithic:
                print(name)


if __name__ == "__main__":
    main()
