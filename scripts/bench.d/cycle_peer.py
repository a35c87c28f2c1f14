"""Peer for the cycle benchmark: the same per-destination work as Proxima's
connectivity score (two bounded reverse Dijkstra searches, all bikeable edges
to 2,680 m and LTS <= 2 edges to 1.25 x that, then the detour test at every
node reached), done with networkx on a sample of destination nodes.
Prints: n_sampled seconds_total seconds_per_destination.
Reads net_edges and net_edge_lts with Python's sqlite3 (plain columns only).
Usage: python3 cycle_peer.py PROJECT SAMPLE"""
import random
import sqlite3
import sys
import time

import networkx as nx

path, sample = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
lts = dict(db.execute("SELECT edge_fid, lts FROM net_edge_lts"))
g_all, g_low = nx.DiGraph(), nx.DiGraph()
for fid, a, b, length, fwd, bwd in db.execute(
        "SELECT fid, from_node, to_node, length_m, bike_fwd, bike_bwd FROM net_edges"):
    level = lts.get(fid, 0)
    if level == 0:
        continue
    for (u, v, ok) in ((a, b, fwd), (b, a, bwd)):
        if not ok:
            continue
        # reversed graph: a search from the destination gives distances to it
        g_all.add_edge(v, u, weight=length)
        if level <= 2:
            g_low.add_edge(v, u, weight=length)
nodes = sorted(g_all.nodes)
random.seed(1)
picks = random.sample(nodes, min(sample, len(nodes)))
t0 = time.perf_counter()
counted = 0
for d in picks:
    da = nx.single_source_dijkstra_path_length(g_all, d, cutoff=2680.0)
    dl = nx.single_source_dijkstra_path_length(g_low, d, cutoff=2680.0 * 1.25) if d in g_low else {}
    for v, dist in da.items():
        if dl.get(v, float("inf")) <= 1.25 * dist + 1e-9:
            counted += 1
t = time.perf_counter() - t0
print(len(picks), f"{t:.3f}", f"{t / max(len(picks), 1):.6f}")
