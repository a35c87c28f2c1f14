/*
 * What the network module's files share, and what library-internal callers
 * (analysis, cycle) may use for direct, fast access to the graph arrays.
 * Library-internal: never included by the CLI.
 *
 * The graph keeps, per mode and per search direction, a CSR adjacency
 * (offsets per node, then target node, edge index and cost per entry) so that
 * the Dijkstra inner loop reads three contiguous arrays and never tests
 * direction flags. Costs are floats: every cost written by px_net_build is
 * rounded to a float first, so the float is exact and sums in double agree
 * with other tools reading the stored cost.
 */
#ifndef PX_NET_INT_H
#define PX_NET_INT_H

#include "../core/core_int.h"
#include "proxima/net.h"
#include "proxima/layer.h"

/* One entry of an adjacency: the other node and the cost, side by side so
 * the search reads one 8-byte item per move. */
typedef struct px__arc {
    int32_t to;
    float cost;
} px__arc;

/* Adjacency of one mode and direction. Entries of node u are
 * [off[u], off[u+1]). dir PX_DIR_FROM_SOURCES: u -> arc[i].to allowed;
 * PX_DIR_TO_SOURCES: arc[i].to -> u allowed (the reverse graph). */
typedef struct px__csr {
    int32_t *off;  /* n_nodes + 1 */
    px__arc *arc;
    int32_t *edge; /* the edge of each entry, read only when a mask is given */
} px__csr;

/* Uniform grid over the edges' boxes, for snapping: cell c holds the edges
 * items[start[c] .. start[c+1]). */
typedef struct px__grid {
    double x0, y0, cell;
    int32_t nx, ny;
    int32_t *start; /* nx*ny + 1 */
    int32_t *items;
} px__grid;

struct px_graph {
    int32_t n_nodes, n_edges;
    double *xy;         /* 2 * n_nodes */
    int32_t *comp;      /* component per node, 0 = largest */
    int32_t n_comp;
    int32_t *efrom, *eto;
    double *elen;       /* length_m */
    float *ecost[PX_MODE_COUNT];
    uint8_t *eflags;
    int64_t *efid;
    px__csr csr[PX_MODE_COUNT][2];
    px__grid grid;
};

/* Allocate a graph with n_nodes / n_edges of per-node and per-edge arrays
 * (zeroed), to be filled by the caller then finished by px__graph_finish. */
px_status px__graph_alloc(px_ctx *ctx, size_t n_nodes, size_t n_edges, px_graph **out);

/* Build the CSR arrays, the components and the snapping grid from the edge
 * arrays (all of px__graph_index, on two threads). Returns PX_ENOMEM or
 * PX_EINVAL (endpoint out of range), with the error set on ctx. */
px_status px__graph_finish(px_ctx *ctx, px_graph *g);

/* The derived parts px__graph_index can build (graph_index.c). A search
 * on a part that was not built fails with PX_EINVAL. */
#define PX__INDEX_CSR(mode, dir) (1u << (2 * (unsigned)(mode) + (unsigned)(dir)))
#define PX__INDEX_COMP (1u << 8)
#define PX__INDEX_GRID (1u << 9)
#define PX__INDEX_ALL 0x3ffu

/* Build the asked `parts` on up to `n_threads` (1 or 2) threads. No ctx:
 * safe to run off the caller's thread while it reads other inputs. Returns
 * PX_EINVAL (an edge endpoint out of range) or PX_ENOMEM, nothing set. */
px_status px__graph_index(px_graph *g, unsigned parts, int n_threads);

/* One CSR (graph.c), for px__graph_index. */
px_status px__csr_build(px_graph *g, px_mode mode, px_direction dir);

/* px_graph_load without the derived parts: the edge and node arrays only,
 * from the cache or the tables. Finish with px__graph_index. */
px_status px__graph_load_arrays(px_ctx *ctx, px_store *store, px_graph **out);

/* Union-find components over edges taken undirected; comp[] gets ids sorted
 * by decreasing size (0 = largest). Returns the number of components, or -1
 * on allocation failure. `efrom`/`eto` borrowed. */
int32_t px__components(int32_t n_nodes, int32_t n_edges, const int32_t *efrom, const int32_t *eto,
                       int32_t *comp);

/* The graph cache (graph_cache.c): store the arrays of `g` (before or after
 * px__graph_finish) as a blob stamped with the network tables' metadata;
 * call inside the transaction that wrote them. Returns PX_ENOMEM, PX_ESQLITE. */
px_status px__graph_cache_put(px_ctx *ctx, px_store *store, const px_graph *g);
/* Is there a current cache (stamp matching the tables' metadata)? 1 with its
 * node and edge counts set, 0 otherwise. */
int px__graph_cache_peek(px_ctx *ctx, px_store *store, int64_t *n_nodes, int64_t *n_edges);
/* Fill the arrays of `g` (allocated with the counts px__graph_cache_peek
 * gave) from the cache; 1 if done, 0 if not (then load from the tables). */
int px__graph_cache_get(px_ctx *ctx, px_store *store, px_graph *g);

/* Setting written by px_net_build: the fastest edge of each mode, metres
 * per second ("WALK BIKE"), so that a split run knows its reach without
 * reading the whole network. */
#define PX__NET_MAX_MPS "network_max_mps"

/* The fastest speed (m/s) of each mode on the network: the setting above,
 * else a scan of net_edges (networks built before it). Returns PX_ENOTFOUND
 * (no network), PX_ENOMEM, PX_ESQLITE. */
px_status px__net_max_speed(px_ctx *ctx, px_store *store, double mps[PX_MODE_COUNT]);

/* The part of the network near `box`: every edge whose box meets it (rows
 * in fid order, so ties break as in the whole graph) and their end nodes,
 * renumbered in fid order; then the derived `parts` (px__graph_index).
 * *n_edges_total gets the whole network's edge count (from the catalogue).
 * Returns PX_ENOTFOUND, PX_EDOMAIN (an edge with an unknown node),
 * PX_ENOMEM, PX_ESQLITE. */
px_status px__graph_load_box(px_ctx *ctx, px_store *store, const px_bbox *box, unsigned parts, px_graph **out,
                             int64_t *n_edges_total);

/* Split runs' bookkeeping (access_part.c), shared by access, equity, cycle:
 * the table of part k of n ("ANALYSIS_part_K_of_N"); a signature (the
 * options text and the revisions of the `inputs` tables, NULL-terminated,
 * read on `ro`; caller-frees) that parts must share to be merged, stored in
 * each part table's note after "; "; and the scan of which parts are in
 * (st->parts_present, parts_missing; *n_rows their rows). */
void px__part_table(char *buf, size_t n, const char *analysis, int k, int parts);
char *px__part_inputs_sig(px_ctx *ctx, px_store *ro, const char *options, const char *const *inputs);
/* px_store_begin for a part's write, trying again while another command
 * holds the project (PX__PART_LOCK_TRIES times the store's busy timeout). */
#define PX__PART_LOCK_TRIES 24
/* Drop the part tables of `analysis` left by a split into another number
 * of parts (at the merge: they can no longer complete a set). */
px_status px__part_drop_others(px_store *store, const char *analysis, int n);
px_status px__part_begin(px_ctx *ctx, px_store *store);
px_status px__part_scan(px_store *store, const char *analysis, int n, const char *sig, px_part_stats *st,
                        int64_t *n_rows);

/* Build the snapping grid. */
px_status px__grid_build(px_ctx *ctx, px_graph *g);
void px__grid_free(px__grid *grid);

/* Is edge e usable by mode in at least one direction? */
static inline int px__edge_usable(const px_graph *g, int32_t e, px_mode mode)
{
    return (g->eflags[e] & (PX_EDGE_FWD(mode) | PX_EDGE_BWD(mode))) != 0;
}

#endif
