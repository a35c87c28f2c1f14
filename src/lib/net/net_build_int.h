/*
 * Shared by the network builder's files: the per-feature tags that decide
 * who may travel a way, in which direction and how fast, and the WKB writer
 * used for the network tables. Library-internal to src/lib/net.
 */
#ifndef PX_NET_BUILD_INT_H
#define PX_NET_BUILD_INT_H

#include "net_int.h"

/* The tags of one feature, borrowed strings (NULL when absent). */
typedef struct px__way_tags {
    const char *highway, *oneway, *oneway_bicycle, *access, *foot, *bicycle;
    const char *cycleway, *cycleway_left, *cycleway_right, *cycleway_both;
    const char *layer, *bridge, *tunnel, *junction, *surface;
} px__way_tags;

/* What the rules decide for one way. */
typedef struct px__way_rule {
    unsigned flags;   /* PX_EDGE_* */
    double walk_kmh, bike_kmh;
    int layer;        /* vertical level: `layer`, else +1 for a bridge, -1 for a tunnel */
    int bridge, tunnel;
} px__way_rule;

/* Apply the access, one-way and speed rules of a road (see README, network
 * section) with speeds from `opts` (defaults filled in). */
void px__way_rule_road(const px__way_tags *t, const px_net_options *opts, px__way_rule *out);

/* A `cycle_routes` feature: bikes both ways at the cycling speed, no walking
 * (walkers use the roads the route follows). `kind` may be NULL. */
void px__way_rule_cycle_route(const char *kind, const px_net_options *opts, px__way_rule *out);

/* Options with zero fields replaced by the defaults. */
px_net_options px__net_options_resolve(const px_net_options *opts);

#endif

/* ---- the network tables' schemas (net_schema.c) ---- */
const px_table_schema *px__net_nodes_schema(void);
const px_table_schema *px__net_edges_schema(void);

/* ---- WKB through GEOS, with one reusable writer (net_wkb.c) ---- */
typedef struct px__wkbw px__wkbw;
px_status px__wkbw_new(px_ctx *ctx, px__wkbw **out);
void px__wkbw_free(px__wkbw *w);
/* WKB of POINT(x y) / LINESTRING(ax ay, bx by): caller frees with
 * px__wkbw_buf_free; NULL (error set) on failure. */
unsigned char *px__wkbw_point(px__wkbw *w, double x, double y, size_t *len);
unsigned char *px__wkbw_segment(px__wkbw *w, double ax, double ay, double bx, double by, size_t *len);
void px__wkbw_buf_free(px__wkbw *w, unsigned char *buf);

/* Coordinates of every part of a (multi)linestring WKB, appended to *xy
 * (growing *cap), with part boundaries appended to *parts (index of the first
 * coordinate of each part, growing *pcap). Returns PX_EGEOS for bad WKB. */
px_status px__wkb_line_coords(px_ctx *ctx, const unsigned char *wkb, size_t len, double **xy, size_t *n, size_t *cap,
                              int32_t **parts, size_t *np, size_t *pcap);

/* ---- the builder's working set (net_read.c, net_topology.c, net_build.c) ---- */

/* One source feature part, as read. */
typedef struct px__line {
    int64_t src_fid;
    int64_t id_off;     /* offset of the source id in the string pool, -1 for NULL */
    int32_t v0, nv;     /* its vertices: xy[2*v0 ..] */
    int16_t highway;    /* index into highways[], -1 for NULL */
    uint8_t source;     /* 0 roads, 1 cycle_routes */
    uint8_t flags;      /* PX_EDGE_* */
    int8_t layer;
    uint8_t bridge, tunnel;
    double walk_kmh, bike_kmh;
} px__line;

#define PX__MAX_HIGHWAYS 1024

typedef struct px__netb {
    px_ctx *ctx;
    px_net_options opts;
    px__line *lines;
    size_t n_lines, lines_cap;
    double *xy;          /* vertex coordinates */
    size_t n_v, v_cap;
    char *pool;          /* NUL-separated strings */
    size_t pool_n, pool_cap;
    char *highways[PX__MAX_HIGHWAYS];
    int n_highways;
    int64_t n_roads, n_cycle_routes, n_excluded;
    int64_t n_cycle_in_roads; /* cycle routes that are the same way as a road (same id) */
    /* topology */
    int32_t *node_of;    /* per vertex */
    double *node_xy;
    int32_t n_nodes;
    int64_t n_snapped_ends;
} px__netb;

/* Read `roads` (required) and `cycle_routes` (if present) into b. */
px_status px__netb_read(px__netb *b, px_store *store);
/* Assign a node to every vertex: shared vertices (per vertical layer for
 * inner vertices), then line ends joined within the snapping tolerance. */
px_status px__netb_topology(px__netb *b);
void px__netb_free(px__netb *b);

/* MULTILINESTRING of one segment, and MULTIPOLYGON of one axis-aligned box
 * (for synthetic layers); same ownership as px__wkbw_point. */
unsigned char *px__wkbw_multi_segment(px__wkbw *w, double ax, double ay, double bx, double by, size_t *len);
unsigned char *px__wkbw_multi_box(px__wkbw *w, double x0, double y0, double x1, double y1, size_t *len);
