/*
 * Proxima network engine: the routable walk/bike graph, snapping of points
 * onto it, and bounded multi-source shortest-path searches.
 *
 * `px_net_build` turns the `roads` and `cycle_routes` layers into two tables
 * of the project: `net_nodes` (POINT) and `net_edges` (LINESTRING). Every
 * edge is ONE straight segment between two nodes: shape vertices of a road
 * become nodes of degree two. That costs some nodes, and buys a graph that
 * loads from numeric columns alone (no geometry parsing) and on which
 * snapping and partial edges are exact linear interpolations.
 *
 * `px_graph` is the in-memory graph (CSR arrays, one per mode and direction).
 * A loaded graph is immutable: any number of threads may snap and search on
 * the same graph at once (each with its own output arrays).
 *
 * Costs are travel times in seconds, per mode. An edge may be usable in one
 * direction only (one-way for bikes); the cost is the same both ways.
 */
#ifndef PROXIMA_NET_H
#define PROXIMA_NET_H

#include "proxima/core.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Travel modes. */
typedef enum px_mode { PX_MODE_WALK = 0, PX_MODE_BIKE = 1, PX_MODE_COUNT } px_mode;

/* Name of a mode ("walk", "bike"); static. "" for a bad value. */
const char *px_mode_name(px_mode mode);
/* Mode by name; PX_ENOTFOUND if unknown. */
px_status px_mode_lookup(const char *name, px_mode *out);
/* Check a set of modes (bits 1u << px_mode; 0 means every mode) given in an
 * analysis's options, before any table is touched: PX_EARG with
 * "unknown mode bit 0x4 (known: walk, bike)" for a bit beyond the modes.
 * `what` (the analysis, for the message) borrowed. */
px_status px_modes_check(px_ctx *ctx, const char *what, unsigned modes);
/* Parse a comma-separated list of mode names ("walk,bike") into bits:
 * PX_EARG with "unknown mode 'car' (known: walk, bike)" on a bad name. */
px_status px_modes_parse(px_ctx *ctx, const char *list, unsigned *modes);

/* Direction of a search.
 * PX_DIR_FROM_SOURCES: node_cost_s[v] = time from the nearest source to v
 *   (travel along allowed edge directions, away from the sources).
 * PX_DIR_TO_SOURCES: node_cost_s[v] = time from v to its nearest source
 *   (the reverse graph). "Minutes from each home to its nearest school" is ONE
 *   search seeded at the schools with PX_DIR_TO_SOURCES. */
typedef enum px_direction { PX_DIR_FROM_SOURCES = 0, PX_DIR_TO_SOURCES = 1 } px_direction;

/* Per-edge flags: which mode may travel the edge in which direction.
 * "Forward" is from the edge's from_node to its to_node. */
enum {
    PX_EDGE_WALK_FWD = 1u << 0,
    PX_EDGE_WALK_BWD = 1u << 1,
    PX_EDGE_BIKE_FWD = 1u << 2,
    PX_EDGE_BIKE_BWD = 1u << 3
};
/* Forward / backward flag of a mode: PX_EDGE_FWD(PX_MODE_BIKE) == PX_EDGE_BIKE_FWD. */
#define PX_EDGE_FWD(mode) (1u << (2 * (unsigned)(mode)))
#define PX_EDGE_BWD(mode) (1u << (2 * (unsigned)(mode) + 1))

/* ---- building the network tables ------------------------------------------ */

typedef struct px_net_options {
    double walk_kmh;        /* walking speed; 0 means 4.8 */
    double bike_kmh;        /* cycling speed; 0 means 15 */
    double bike_slow_kmh;   /* cycling on path/track/unpaved ways; 0 means 10 */
    double bike_steps_kmh;  /* bike pushed up/down steps; 0 means 2 */
    double snap_tol_m;      /* line ends closer than this are joined; 0 means 1.0 m, <0 off */
    int64_t island_max_nodes; /* components with at most this many nodes are
                                 flagged as islands; 0 means 50 */
} px_net_options;

typedef struct px_net_report {
    int64_t n_roads;        /* road features read */
    int64_t n_cycle_routes; /* cycle route features read (0 if the layer is absent) */
    int64_t n_cycle_in_roads; /* of those, ways already in `roads` (same id): not added twice */
    int64_t n_excluded;     /* features usable by no mode (motorways, construction, access=no...) */
    int64_t n_nodes;        /* rows of net_nodes */
    int64_t n_edges;        /* rows of net_edges */
    int64_t n_snapped_ends; /* line ends joined to a node within snap_tol_m */
    int64_t n_components;   /* connected components (edges taken undirected) */
    int64_t n_islands;      /* components flagged as islands */
    int64_t n_island_edges; /* edges in those */
    int64_t largest_component_nodes;
    double total_length_m;
} px_net_report;

/* Build `net_nodes` and `net_edges` from the `roads` layer (required) and the
 * `cycle_routes` layer (optional), replacing any earlier network, in one
 * transaction. Columns: see README (network section). `opts` may be NULL
 * (defaults); `out` may be NULL. All pointers are borrowed.
 * Returns PX_ENOTFOUND (no roads layer), PX_EDOMAIN (no usable edge),
 * PX_EGEOS, PX_ESQLITE, PX_ENOMEM, PX_ECANCELLED; on error the store is unchanged. */
px_status px_net_build(px_ctx *ctx, px_store *store, const px_net_options *opts, px_net_report *out);

/* ---- the graph ------------------------------------------------------------ */

typedef struct px_graph px_graph;

/* One edge given to px_graph_from_edges. */
typedef struct px_graph_edge {
    int32_t from, to;   /* node indices, 0..n_nodes-1 */
    double length_m;
    double walk_s;      /* cost per mode, seconds, >= 0 */
    double bike_s;
    unsigned flags;     /* PX_EDGE_* */
    int64_t fid;        /* identifier handed back by px_graph_edge_fid */
} px_graph_edge;

/* Load the graph of `store` (tables net_nodes and net_edges, written by
 * px_net_build or any writer using the same columns), numeric columns only.
 * On success *out is caller-frees with px_graph_free. Returns PX_ENOTFOUND
 * (no network: run `proxima network`), PX_EDOMAIN (inconsistent tables),
 * PX_ENOMEM, PX_ESQLITE, PX_ECANCELLED. */
px_status px_graph_load(px_ctx *ctx, px_store *store, px_graph **out);

/* Build a graph from arrays (tests, generated networks). `node_xy` holds
 * 2*n_nodes coordinates (x0, y0, x1, y1, ...) in metres; `edges` n_edges
 * entries. Both borrowed (copied). Returns PX_EINVAL for an endpoint out of
 * range or a negative cost, PX_ENOMEM. *out caller-frees with px_graph_free. */
px_status px_graph_from_edges(px_ctx *ctx, size_t n_nodes, const double *node_xy, size_t n_edges,
                              const px_graph_edge *edges, px_graph **out);

/* Free; NULL accepted. */
void px_graph_free(px_graph *g);

size_t px_graph_n_nodes(const px_graph *g);
size_t px_graph_n_edges(const px_graph *g);

/* Per-edge accessors; `e` must be < px_graph_n_edges (not checked beyond an
 * assert). fid is the net_edges fid (or the fid given to px_graph_from_edges). */
int64_t px_graph_edge_fid(const px_graph *g, size_t e);
void px_graph_edge_nodes(const px_graph *g, size_t e, int32_t *from, int32_t *to);
double px_graph_edge_length_m(const px_graph *g, size_t e);
double px_graph_edge_cost_s(const px_graph *g, size_t e, px_mode mode);
unsigned px_graph_edge_flags(const px_graph *g, size_t e);
/* Node coordinates (project CRS). */
void px_graph_node_xy(const px_graph *g, size_t node, double *x, double *y);
/* Component id of a node (0 = largest component); components are taken with
 * edges undirected and all modes together. */
int32_t px_graph_node_component(const px_graph *g, size_t node);

/* ---- snapping ------------------------------------------------------------- */

/* A point attached to the network: on edge `edge`, at `fraction` of the way
 * from its from-node (0) to its to-node (1), `distance_m` away from the
 * original point (straight line, not counted in travel times). */
typedef struct px_snap {
    int32_t edge;
    double fraction;
    double distance_m;
} px_snap;

/* Snap (x, y) (project CRS) onto the nearest edge usable by `mode` (in at
 * least one direction), projected orthogonally onto it, within `max_dist_m`.
 * Ties go to the lowest edge index. Uses an in-memory grid index: cheap.
 * Returns PX_OK, PX_ENOTFOUND (nothing within max_dist_m: the point is
 * unreachable, *out untouched), PX_EINVAL (bad mode, NULL, negative distance).
 * `ctx` may be NULL (no message then); safe from several threads. */
px_status px_graph_snap(px_ctx *ctx, const px_graph *g, px_mode mode, double x, double y, double max_dist_m,
                        px_snap *out);

/* ---- searching ------------------------------------------------------------ */

/* Multi-source bounded Dijkstra. Seeds: each source snap reaches the two ends
 * of its edge with the partial costs fraction*cost (from-node) and
 * (1-fraction)*cost (to-node), where the edge's direction allows it.
 * Nodes whose cost exceeds `cutoff_s` are not expanded and get INFINITY, as do
 * unreachable nodes. `edge_mask` (borrowed, n_edges bytes, may be NULL) closes
 * edges whose byte is 0. `node_cost_s` (caller-owned, n_nodes doubles) receives
 * the costs. `sources` is borrowed; n_sources may be 0 (all INFINITY).
 * Returns PX_OK, PX_EINVAL (bad mode/direction/edge index, NULL), PX_ENOMEM.
 * Thread-safe on a shared graph. */
px_status px_graph_search(const px_graph *g, px_mode mode, px_direction dir, const px_snap *sources,
                          size_t n_sources, double cutoff_s, const uint8_t *edge_mask, double *node_cost_s);

/* The cost at a snapped point `at` after px_graph_search with the same
 * arguments: through either end of its edge (partial edge counted, direction
 * respected) or directly along the edge from a source on the same edge
 * (|fraction difference| * cost). `sources` must be sorted with
 * px_snap_sort (same-edge sources are found by binary search). Returns the
 * cost in seconds, INFINITY if unreachable or beyond `cutoff_s`. */
double px_graph_cost_at(const px_graph *g, px_mode mode, px_direction dir, const double *node_cost_s,
                        const px_snap *sources, size_t n_sources, double cutoff_s, const uint8_t *edge_mask,
                        const px_snap *at);

/* Sort snaps by edge then fraction, in place; `ids` (may be NULL) is permuted
 * alongside (e.g. the source rows). */
void px_snap_sort(px_snap *snaps, int64_t *ids, size_t n);

/* k-nearest variant: up to k distinct sources per node, costs ascending.
 * `node_cost_s` and `node_src` are caller-owned arrays of n_nodes*k entries:
 * entry [v*k + j] is the j-th smallest cost at v and the index (into
 * `sources`) of the source that gives it; INFINITY / -1 when fewer than j+1
 * sources are within the cutoff. k must be 1..16. Same seeds, mask and
 * statuses as px_graph_search. */
px_status px_graph_search_k(const px_graph *g, px_mode mode, px_direction dir, const px_snap *sources,
                            size_t n_sources, size_t k, double cutoff_s, const uint8_t *edge_mask,
                            double *node_cost_s, int32_t *node_src);

/* The k smallest costs (distinct sources) at snapped point `at` after
 * px_graph_search_k: out_cost_s (caller-owned, k entries) ascending,
 * INFINITY-filled. Same-edge sources are counted as in px_graph_cost_at
 * (`sources` sorted with px_snap_sort before the search). */
void px_graph_cost_at_k(const px_graph *g, px_mode mode, px_direction dir, const double *node_cost_s,
                        const int32_t *node_src, const px_snap *sources, size_t n_sources, size_t k,
                        double cutoff_s, const uint8_t *edge_mask, const px_snap *at, double *out_cost_s);

#ifdef __cplusplus
}
#endif
#endif
