/*
 * What the cycle module's files share: the LTS rule table types, the compact
 * in-memory bike graph the analyses run on, and the bounded distance search.
 * Library-internal.
 */
#ifndef PX_CYCLE_INT_H
#define PX_CYCLE_INT_H

#include "../core/core_int.h"
#include "proxima/cycle.h"
#include "proxima/layer.h"

#include <stdint.h>

/* ---- LTS rule table (lts_rules.c) -------------------------------------- */

/* Cycle facility found in the cycleway* tags. */
enum { PX__FAC_NONE = 0, PX__FAC_SHARED, PX__FAC_LANE, PX__FAC_TRACK };

/* What the bicycle tag says, as bits so a rule can accept several. */
enum { PX__BIKE_DENIED = 1u, PX__BIKE_UNSET = 2u, PX__BIKE_ALLOWED = 4u };

/* Road classes, as bits. */
enum {
    PX__CLS_MOTORWAY = 1u << 0,
    PX__CLS_TRUNK = 1u << 1,
    PX__CLS_PRIMARY = 1u << 2,
    PX__CLS_SECONDARY = 1u << 3,
    PX__CLS_TERTIARY = 1u << 4,
    PX__CLS_LOCAL = 1u << 5, /* residential, unclassified, service, road */
    PX__CLS_LIVING = 1u << 6,
    PX__CLS_CYCLEWAY = 1u << 7,
    PX__CLS_PATH = 1u << 8, /* path, track, bridleway */
    PX__CLS_FOOT = 1u << 9  /* footway, pedestrian, steps, corridor */
};

/* One rule: every non-zero condition must hold. */
typedef struct px__lts_rule {
    const char *id;
    unsigned bicycle;      /* PX__BIKE_* bits accepted; 0 = any */
    unsigned facilities;   /* (1 << PX__FAC_*) bits accepted; 0 = any */
    unsigned classes;      /* PX__CLS_* bits accepted; 0 = any */
    int max_speed_kmh;     /* holds when speed <= this; 0 = any */
    int max_lanes_per_dir; /* holds when lanes per direction <= this; 0 = any */
    int lts;               /* class given; 0 = not bikeable */
} px__lts_rule;

typedef struct px__lts_default {
    const char *highway;
    unsigned cls;
    int speed_kmh;
    int lanes_per_dir;
} px__lts_default;

extern const px__lts_rule px__lts_rules[];
extern const size_t px__n_lts_rules;
extern const px__lts_default px__lts_defaults[];
extern const size_t px__n_lts_defaults;
extern const px__lts_default px__lts_default_other;

/* Parse an OSM maxspeed value to km/h; 0 when unreadable. */
double px__lts_parse_speed(const char *s);

#endif

/* ---- the bike graph (cycle_graph.c) ------------------------------------ */

/* The bikeable network as the cycle analyses need it: node positions, edges
 * with length, direction flags and LTS, and CSR adjacency both ways. Built
 * from net_edges (cycle_load.c) or directly by tests. Edges added later (gap
 * links, planned links) get fid -1. */
typedef struct px__cgraph {
    size_t n_nodes, n_edges, cap_edges;
    double *x, *y; /* node coordinates, project CRS */
    int32_t *e_from, *e_to;
    double *e_len;  /* metres */
    uint8_t *e_fwd; /* bikeable from -> to */
    uint8_t *e_bwd; /* bikeable to -> from */
    uint8_t *e_lts; /* 1..4; 0 = not bikeable */
    uint8_t *e_fac; /* px_cycle_class */
    int64_t *e_fid; /* net_edges fid, -1 for an added link */
    /* CSR: arcs leaving node u are out_arc[out_off[u] .. out_off[u+1]), each
     * the edge index; in_* the same for arcs entering u. */
    uint32_t *out_off, *out_edge;
    int32_t *out_to;
    uint32_t *in_off, *in_edge;
    int32_t *in_from;
    /* Edges n_indexed .. n_edges were appended after the last indexing (a
     * picked gap link): searches find them through has_extra[u] instead of
     * the CSR, so that a pick need not rebuild the adjacency. */
    size_t n_indexed;
    uint8_t *has_extra; /* per node, NULL until an edge is appended after indexing */
} px__cgraph;

/* New graph with `n_nodes` nodes (coordinates zero) and no edges. */
px_status px__cgraph_new(px_ctx *ctx, size_t n_nodes, px__cgraph **out);
void px__cgraph_free(px__cgraph *g);
/* Append an edge. Before the first px__cgraph_index, edges only go to the
 * list; after it, an appended edge is searchable at once (as an extra edge)
 * until the next px__cgraph_index folds it into the CSR. */
px_status px__cgraph_add_edge(px_ctx *ctx, px__cgraph *g, int32_t from, int32_t to, double len_m, int fwd,
                              int bwd, int lts, int fac, int64_t fid);
/* (Re)build the CSR adjacency from the edge list. */
px_status px__cgraph_index(px_ctx *ctx, px__cgraph *g);
/* Drop the edges from n_edges down to `n` (n >= n_indexed: appended edges
 * only, no re-indexing needed). */
void px__cgraph_truncate(px__cgraph *g, size_t n);

/* Reusable state of a bounded shortest-distance search; one per thread. */
typedef struct px__csearch {
    size_t n;
    double *dist;     /* INFINITY when not reached */
    int32_t *touched; /* nodes reached in the last search, in settle order... */
    size_t n_touched;
    int32_t *heap; /* binary heap of nodes keyed on dist */
    int32_t *pos;  /* node -> heap position, -1 if not in the heap */
    size_t n_heap;
} px__csearch;

px_status px__csearch_new(px_ctx *ctx, const px__cgraph *g, px__csearch **out);
void px__csearch_free(px__csearch *s);

enum { PX__DIR_OUT = 0, PX__DIR_IN = 1, PX__DIR_BOTH = 2 };

/* Shortest distances from `src` (n_src nodes, each starting at src_d[i]
 * metres, src_d may be NULL for 0) over edges whose LTS is 1..max_lts,
 * following arcs outward (distance from the sources), inward (distance to
 * the sources) or both ways (direction ignored), up to `cutoff_m`. Nodes
 * reached are s->touched[0..n_touched) with s->dist set; earlier results are
 * reset first. */
void px__csearch_run(px__csearch *s, const px__cgraph *g, const int32_t *src, const double *src_d,
                     size_t n_src, int max_lts, int dir, double cutoff_m);

/* ---- the problem the analyses solve (filled by cycle_load.c or tests) --- */

typedef struct px__corigin {
    int64_t fid;   /* population row */
    int32_t node;  /* nearest graph node */
    double snap_m; /* straight distance to that node */
    double pop;
    int32_t commune; /* index into communes, -1 outside every commune */
    double x, y;     /* the unit's point (split runs: which part owns it) */
} px__corigin;

typedef struct px__cdest {
    int32_t node;
    int32_t cat; /* index into categories */
} px__cdest;

typedef struct px__cinput {
    px__cgraph *g;
    size_t n_origins;
    px__corigin *origins;
    size_t n_dests;
    px__cdest *dests;
    size_t n_cats;
    char **cat_names;
    double *cat_weights;
    size_t n_communes;
    char **commune_ids;
    char **commune_names;
    int32_t *edge_commune; /* per cycle-facility edge: commune of its midpoint, -1 outside or other edges */
} px__cinput;

/* Options with the defaults filled in. */
typedef struct px__cparams {
    double coverage_m, bike_distance_m, detour_ratio, gap_m, snap_m;
    int max_low_stress, top_links, threads;
} px__cparams;

px_status px__cycle_params(px_ctx *ctx, const px_cycle_options *opts, px__cparams *out);

/* ---- connectivity (cycle_connect.c) ------------------------------------ */

typedef struct px__cconn {
    size_t n_origins, n_cats;
    uint32_t *n_all; /* [o * n_cats + c]: destinations of c within the biking distance */
    uint32_t *n_low; /* of those, reachable on low stress within the detour ratio */
    double *score;   /* per origin 0..100; NAN when no destination is within reach */
} px__cconn;

px_status px__cycle_connectivity(px_ctx *ctx, const px__cinput *in, const px__cparams *p, px__cconn *out);
void px__cconn_clear(px__cconn *c);

/* Population-weighted mean of origin_value (NAN values skipped) per commune
 * (per_commune, n_communes entries, NAN when nothing to average; may be NULL)
 * and for the region (*region, NAN when nothing). pop_out (may be NULL) gets
 * the residents of each commune added to it. Arrays are caller-allocated. */
px_status px__cycle_aggregate(px_ctx *ctx, const px__cinput *in, const double *origin_value,
                              double *per_commune, double *pop_out, double *region);

/* ---- islands (cycle_islands.c) ----------------------------------------- */

typedef struct px__cislands {
    size_t n;         /* islands */
    int32_t *node;    /* per graph node: island, -1 when no low-stress edge touches it */
    int64_t *n_edges; /* per island */
    double *length_m;
    double *pop;    /* residents whose node is on the island */
    double *n_dest; /* destinations (weighted by category) on the island */
} px__cislands;

px_status px__cycle_islands(px_ctx *ctx, const px__cinput *in, const px__cparams *p, px__cislands *out);
void px__cislands_clear(px__cislands *is);

/* ---- coverage (cycle_cover.c) ------------------------------------------ */

/* covered[o] = 1 when origin o is within p->coverage_m of a node of an edge
 * with a cycle facility (network distance, direction ignored, plus its snap
 * distance). `covered` has n_origins entries, caller-allocated. */
px_status px__cycle_coverage(px_ctx *ctx, const px__cinput *in, const px__cparams *p, uint8_t *covered);

/* ---- missing links (cycle_links.c) ------------------------------------- */

typedef struct px__clink {
    int kind;     /* 0 = upgrade of higher-stress edges, 1 = new gap link */
    int32_t a, b; /* end nodes */
    double length_m;
    double benefit; /* resident-destination pairs newly joined within the biking distance */
    int32_t island_a, island_b;
    size_t first_edge, n_edges; /* kind 0: its edges, in px__clinks.edges */
} px__clink;

typedef struct px__clinks {
    size_t n; /* ranked links, best first */
    px__clink *links;
    size_t n_edge_ids;
    uint32_t *edges;     /* edge indices of the upgrade links */
    size_t n_candidates; /* candidates considered */
} px__clinks;

/* Rank up to p->top_links candidate links by benefit per km, re-evaluating
 * greedily after each pick. The graph is modified while ranking (picked
 * upgrades lowered to LTS 1, gap links appended) and restored before return. */
px_status px__cycle_links(px_ctx *ctx, px__cinput *in, const px__cparams *p, const px__cislands *isl,
                          px__clinks *out);
void px__clinks_clear(px__clinks *l);

/* ---- reading the project (cycle_load.c, cycle_communes.c) --------------- */

/* Everything px_cycle_run reads from the store, owned together. */
typedef struct px__cproject {
    px__cinput in;
    uint8_t *e_rule;    /* per graph edge: index of the LTS rule row, 255 for a cycle route */
    int64_t n_unplaced; /* population units farther than snap_m from the network */
    double pop_unplaced;
    int64_t n_dest_unplaced;
    int has_communes;
} px__cproject;

/* Read the network, LTS tags, population, services and communes. Origins and
 * destinations are attached to the nearest node of the nearest bikeable edge
 * within p->snap_m. Returns PX_ENOTFOUND without a network or a layer the
 * analyses need (population, services), PX_ENOMEM, PX_ESQLITE, PX_EGEOS. */
px_status px__cproject_load(px_ctx *ctx, px_store *store, const px__cparams *p, const px_cycle_options *o,
                            px__cproject *out);
void px__cproject_clear(px__cproject *pr);

/* Communes, residents and services come from the one reader of the
 * standard layers (proxima/layer.h). */

/* ---- results and their tables (cycle_run.c, cycle_write.c) -------------- */

/* One evaluation of the network: coverage and connectivity. */
typedef struct px__ceval {
    uint8_t *covered; /* per origin */
    px__cconn conn;
} px__ceval;

typedef struct px__cresults {
    px__cislands isl;
    px__ceval base;
    px__clinks links;
    int has_whatif;
    px__ceval whatif;
    size_t n_added; /* planned links added */
    size_t n_edges_before_whatif;
} px__cresults;

/* Write every result table in one transaction (begun and committed here;
 * rolled back on failure). */
px_status px__cycle_write(px_ctx *ctx, px_store *store, const px__cproject *pr, const px__cparams *p,
                          const px__cresults *res);
/* The same inside the caller's transaction. */
px_status px__cycle_write_tables(px_ctx *ctx, px_store *store, const px__cproject *pr, const px__cparams *p,
                                 const px__cresults *res);

/* Coverage and connectivity of `in` (cycle_run.c); clear with px__ceval_clear. */
px_status px__cycle_evaluate(px_ctx *ctx, const px__cinput *in, const px__cparams *p, px__ceval *out);
void px__ceval_clear(px__ceval *e);

/* The headline figures of `res` (cycle_run.c). */
px_status px__cycle_report_fill(px_ctx *ctx, const px__cinput *in, const px__cresults *res, px_cycle_report *rep);

/* A split run (cycle_part.c): part opts->part_k of opts->part_n. */
px_status px__cycle_part_run(px_ctx *ctx, px_store *store, const px__cparams *p, const px_cycle_options *opts,
                             px_cycle_report *report);

/* Add the planned links of `path` to the graph as two-way LTS 1 tracks
 * between the nodes nearest their ends (within snap_m). *n_added gets the
 * number of links. PX_EDOMAIN names a link whose end is too far. */
px_status px__cycle_add_links(px_ctx *ctx, px_store *store, px__cinput *in, const char *path, double snap_m,
                              size_t *n_added);
