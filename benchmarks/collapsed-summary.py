#!/usr/bin/env python3
"""Summarises an async-profiler collapsed-stack file recorded with the `threads` option (profile-sample.sh writes
them): samples (or bytes, for alloc/total) per thread group, the share in the agent's frames (inclusive: any frame of
the agent's own code, the shaded SDK, or the bootstrap hooks on the stack), the agent's frames by entry point, the
agent's own work (stacks where the agent's frame is the nearest non-JDK frame to the leaf, so a hook wrapped around
the application's handler does not count the handler), and the hottest leaf frames.

    benchmarks/collapsed-summary.py /tmp/ap/cpu-sw.txt [--top 25] [--grep REGEX]

--grep prints the inclusive share of stacks matching REGEX (e.g. 'SdkSpanBuilder|SdkSpan.end').
"""
import argparse
import collections
import re

AGENT = re.compile(r"dev/stallwatch/(?!sample/)|java/util/concurrent/locks/Stallwatch")
# Frames of the application or a library it uses (anything but the JDK and the agent): a stack whose frames nearest
# the leaf are the JDK's, then the agent's, is the agent's own work; one that reaches application code first is not,
# even when an agent frame (a hook around the handler) sits further up.
NOT_JDK = re.compile(r"^(org/|com/|io/|net/|jakarta/|javax/websocket|ch/qos/|dev/stallwatch/sample/)")


def nearest_agent_frame(frames):
    """The agent frame nearest the leaf when no application frame comes before it, else None."""
    for f in reversed(frames[1:]):
        if AGENT.search(f):
            return f
        if NOT_JDK.match(f):
            return None
    return None


def group(thread):
    name = re.sub(r"\s*tid=\d+\]$", "", thread.strip("[]"))
    name = re.sub(r"\d+", "N", name)
    return name


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--grep", action="append", default=[])
    p.add_argument("--thread", help="only thread groups matching this regex")
    a = p.parse_args()
    by_thread = collections.Counter()
    agent_by_thread = collections.Counter()
    agent_entry = collections.Counter()
    leaf = collections.Counter()
    agent_leaf = collections.Counter()
    agent_self = collections.Counter()
    greps = collections.Counter()
    total = 0
    for line in open(a.file):
        stack, _, n = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        n = int(n)
        frames = stack.split(";")
        thread = group(frames[0]) if frames[0].startswith("[") else "?"
        if a.thread and not re.search(a.thread, thread):
            continue
        total += n
        by_thread[thread] += n
        leaf[frames[-1]] += n
        for g in a.grep:
            if re.search(g, stack):
                greps[g] += n
        idx = next((i for i, f in enumerate(frames) if AGENT.search(f)), None)
        if idx is not None:
            agent_by_thread[thread] += n
            agent_entry[frames[idx]] += n
            agent_leaf[frames[-1]] += n
            nearest = nearest_agent_frame(frames)
            if nearest is not None:
                agent_self[nearest] += n
    pct = lambda n: f"{100.0 * n / total:5.1f}%" if total else "-"
    print(f"total {total}")
    agent = sum(agent_by_thread.values())
    print(f"stacks with an agent frame (inclusive): {agent} {pct(agent)}")
    print("\n-- per thread group (total, of which in agent frames)")
    for t, n in by_thread.most_common(a.top):
        print(f"{pct(n)} {n:>12} agent {pct(agent_by_thread[t])}  {t}")
    print("\n-- agent frames by outermost agent frame")
    for f, n in agent_entry.most_common(a.top):
        print(f"{pct(n)} {n:>12}  {f}")
    own = sum(agent_self.values())
    print(f"\n-- the agent's own work (its frame nearest the leaf, no application frame below it): {own} {pct(own)}")
    for f, n in agent_self.most_common(a.top):
        print(f"{pct(n)} {n:>12}  {f}")
    print("\n-- leaf frames under agent frames")
    for f, n in agent_leaf.most_common(a.top):
        print(f"{pct(n)} {n:>12}  {f}")
    print("\n-- leaf frames, all")
    for f, n in leaf.most_common(a.top):
        print(f"{pct(n)} {n:>12}  {f}")
    for g in a.grep:
        print(f"grep {g!r}: {greps[g]} {pct(greps[g])}")


if __name__ == "__main__":
    main()
