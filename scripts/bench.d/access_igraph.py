#!/usr/bin/python3
"""The igraph peer of the accessibility benchmark (scripts/bench.d/20-access.sh).

  access_igraph.py run PROJECT SNAPDIR OUT.npz CUTOFF_MIN
      Same graph (net_edges of PROJECT), same snapped services and origins
      (CSV from `proxima snap`, in SNAPDIR): per mode, the graph built once
      with one super-source vertex per category linked to its services' edge
      ends with the partial costs, and one distances() call from all of them
      (the way igraph's users would do it); then each origin's minutes
      through either end of its edge (and along it when a service sits on
      the same edge). Writes the minutes.
  access_igraph.py compare PROJECT OUT.npz
      Compares those minutes with access_origins: prints the number of values
      compared, of disagreements (over 1e-5 min, or NULL on one side only) and
      the largest difference.
"""
import csv
import math
import sqlite3
import sys

import igraph as ig
import numpy as np

MODES = ("walk", "bike")


def read_edges(con):
    cols = "from_node, to_node, walk_fwd, walk_bwd, bike_fwd, bike_bwd, walk_s, bike_s"
    n = con.execute("SELECT count(*) FROM net_edges").fetchone()[0]
    a = np.empty((n, 8), dtype=np.float64)
    cur = con.execute(f"SELECT {cols} FROM net_edges ORDER BY fid")
    i = 0
    while True:
        rows = cur.fetchmany(200000)
        if not rows:
            break
        a[i:i + len(rows)] = rows
        i += len(rows)
    return a


def read_snaps(path):
    fids, edges, fracs = [], [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            fids.append(int(row["fid"]))
            edges.append(int(row["edge_fid"]) - 1 if row["edge_fid"] else -1)
            fracs.append(float(row["fraction"]) if row["fraction"] else 0.0)
    return np.array(fids), np.array(edges), np.array(fracs)


def run(project, snapdir, out, cutoff_min):
    con = sqlite3.connect(project)
    e = read_edges(con)
    cats = [r[0] for r in con.execute("SELECT DISTINCT category FROM services ORDER BY category")]
    svc_cat = dict(con.execute("SELECT fid, category FROM services"))
    con.close()
    n = int(max(e[:, 0].max(), e[:, 1].max()))
    a, b = e[:, 0].astype(np.int64) - 1, e[:, 1].astype(np.int64) - 1
    cutoff = cutoff_min * 60.0
    cat_index = {c: k for k, c in enumerate(cats)}
    result = {}
    for mi, mode in enumerate(MODES):
        fwd, bwd, cost = e[:, 2 + 2 * mi] != 0, e[:, 3 + 2 * mi] != 0, e[:, 6 + mi]
        # Reversed graph: an allowed move u -> v becomes the arc v -> u, so that
        # distances from the services are times from every node to them.
        src = np.concatenate([b[fwd], a[bwd]])
        dst = np.concatenate([a[fwd], b[bwd]])
        w = np.concatenate([cost[fwd], cost[bwd]])
        sfid, sedge, sfrac = read_snaps(f"{snapdir}/services-{mode}.csv")
        ofid, oedge, ofrac = read_snaps(f"{snapdir}/population-{mode}.csv")
        ok = oedge >= 0
        oe = np.where(ok, oedge, 0)
        # The graph is built once per mode, as an igraph user would: one extra
        # super-source vertex per category (n + k) linked to the ends of its
        # services' edges with the partial costs, and one distances() call
        # from all the super-sources at once.
        scat = np.array([cat_index[svc_cat[f]] for f in sfid], dtype=np.int64)
        keep = sedge >= 0
        se, sf, sk = sedge[keep], sfrac[keep], scat[keep]
        sc = cost[se]
        to_from = fwd[se] | (sf == 0)
        to_to = bwd[se] | (sf == 1)
        g_src = np.concatenate([src, n + sk[to_from], n + sk[to_to]])
        g_dst = np.concatenate([dst, a[se][to_from], b[se][to_to]])
        g_w = np.concatenate([w, (sf * sc)[to_from], ((1 - sf) * sc)[to_to]])
        g = ig.Graph(n=n + len(cats), edges=np.stack([g_src, g_dst], axis=1).tolist(), directed=True)
        dist = g.distances(source=list(range(n, n + len(cats))), weights=g_w.tolist(), mode="out")
        c = cost[oe]
        for k, cat in enumerate(cats):
            d = np.array(dist[k][:n])
            via_from = np.where(bwd[oe] | (ofrac == 0), d[a[oe]] + ofrac * c, np.inf)
            via_to = np.where(fwd[oe] | (ofrac == 1), d[b[oe]] + (1 - ofrac) * c, np.inf)
            best = np.minimum(via_from, via_to)
            # Services on the origin's own edge: straight along it.
            on_edge = {}
            for ee, ff in zip(se[sk == k], sf[sk == k]):
                on_edge.setdefault(int(ee), []).append(ff)
            for i in np.nonzero(ok & np.isin(oedge, list(on_edge.keys())))[0]:
                ee, fo = int(oedge[i]), ofrac[i]
                for fs in on_edge[ee]:
                    if (fs >= fo and fwd[ee]) or (fs <= fo and bwd[ee]):
                        best[i] = min(best[i], abs(fs - fo) * cost[ee])
            best[~ok] = np.inf
            best[best > cutoff] = np.inf
            result[f"{mode}_{cat}_min"] = np.where(np.isfinite(best), best / 60.0, np.nan)
        del dist, g
    result["fid"] = ofid
    np.savez(out, **result)


def compare(project, out):
    r = np.load(out)
    con = sqlite3.connect(project)
    n_cmp = n_bad = 0
    worst = 0.0
    for key in r.files:
        if key == "fid":
            continue
        ours = dict(con.execute(f"SELECT population_fid, {key} FROM access_origins"))
        for fid, theirs in zip(r["fid"], r[key]):
            mine = ours[int(fid)]
            n_cmp += 1
            if mine is None or math.isnan(theirs):
                n_bad += (mine is None) != math.isnan(theirs)
                continue
            diff = abs(mine - theirs)
            worst = max(worst, diff)
            n_bad += diff > 1e-5
    print(f"compared {n_cmp} disagreements {n_bad} max_diff_min {worst:.2e}")


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    else:
        compare(sys.argv[2], sys.argv[3])
