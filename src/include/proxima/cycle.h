/*
 * Proxima cycle network planning: level of traffic stress (LTS) per road
 * edge, coverage of the population by cycle routes, low-stress connectivity
 * in the manner of the PeopleForBikes Bicycle Network Analysis, low-stress
 * islands, ranked missing links and what-if runs with planned links.
 *
 * The LTS rules are a table (src/lib/cycle/lts_rules.c), one row per rule,
 * tried in order; px_lts_classify tells which row fired. The analyses read
 * the routable network built by the net module (net_nodes, net_edges) and the
 * population and services layers, and write their results as tables of the
 * project store in one transaction.
 */
#ifndef PROXIMA_CYCLE_H
#define PROXIMA_CYCLE_H

#include "proxima/core.h"
#include "proxima/layer.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- level of traffic stress ------------------------------------------- */

/* Kind of cycle facility an edge offers; also the coverage classes. */
typedef enum px_cycle_class {
    PX_CYCLE_NONE = 0, /* no facility: mixed traffic, or not bikeable */
    PX_CYCLE_TRACK,    /* highway=cycleway, cycleway=track/separate */
    PX_CYCLE_LANE,     /* painted lane or shared bus lane */
    PX_CYCLE_SHARED,   /* sharrows (cycleway=shared_lane) or bicycle=designated on a road */
    PX_CYCLE_PATH,     /* path, track, bridleway, footway where cycling is allowed */
    PX_CYCLE_CLASS_COUNT
} px_cycle_class;

/* Name of a class as written in result tables ("track"); static. */
const char *px_cycle_class_name(px_cycle_class c);

/* OSM tags of one road, as the roads layer stores them. Every string is
 * borrowed and may be NULL (untagged). */
typedef struct px_lts_tags {
    const char *highway;
    const char *bicycle;
    const char *cycleway;
    const char *cycleway_left;
    const char *cycleway_right;
    const char *cycleway_both;
    const char *maxspeed; /* "50", "30 mph", "FR:urban", "BE:zone30", "walk"... */
    const char *lanes;    /* total through lanes, both directions */
    const char *oneway;   /* "yes", "-1", "no"... */
} px_lts_tags;

/* Outcome of the classification of one road. */
typedef struct px_lts_result {
    int lts;                 /* 1..4, or 0 when cycling is not allowed */
    const char *rule;        /* id of the rule row that fired ("mixed-local-30"); static */
    px_cycle_class facility; /* what cycle facility the road offers */
    double speed_kmh;        /* speed limit used (tagged or default) */
    int lanes_per_dir;       /* through lanes per direction used (tagged or default) */
    int speed_defaulted;     /* non-zero: maxspeed missing or unreadable, default used */
    int lanes_defaulted;     /* non-zero: lanes missing or unreadable, default used */
} px_lts_result;

/* Classify one road by the rule table. `tags` is borrowed; *out is written
 * on success. Untagged or unreadable speed and lane counts take the
 * documented default of the road class; an unknown highway value is taken as
 * a local road at 50 km/h. Returns PX_OK, or PX_EINVAL for a NULL argument. */
px_status px_lts_classify(px_ctx *ctx, const px_lts_tags *tags, px_lts_result *out);

/* The rule table, for listing (`proxima cycle --rules`): number of rows, and
 * row i as one readable line ("mixed-local-30: mixed traffic/sharrows, local,
 * <= 30 km/h, <= 1 lane(s)/dir, -> LTS 1"). The line is written into `buf`
 * (caller-owned, `size` bytes, truncated if short). Returns PX_OK, or
 * PX_EINVAL for i out of range or a NULL/empty buffer. */
size_t px_lts_n_rules(void);
px_status px_lts_rule_describe(px_ctx *ctx, size_t i, char *buf, size_t size);

/* ---- the analyses ----------------------------------------------------- */

/* Settings of `px_cycle_run`. Zero fields take the default in brackets. */
typedef struct px_cycle_options {
    double coverage_m;      /* network distance to a cycle route that counts as covered [300] */
    double bike_distance_m; /* biking distance for connectivity [2680] */
    double detour_ratio;    /* low-stress route may be this many times the shortest [1.25] */
    int max_low_stress;     /* highest LTS counted as low stress, 1..4 [2] */
    double gap_m;           /* longest straight gap between islands proposed as a link [200] */
    int top_links;          /* missing links to rank [20] */
    double snap_m;          /* farthest a population unit or service may be from the network [PX_LAYER_SNAP_M, 300] */
    int threads;            /* worker threads for connectivity [2] */
    /* Category weights of the connectivity score ("school" -> 2); a category
     * not listed weighs 1. Arrays of n_weights entries, borrowed. */
    size_t n_weights;
    const char *const *weight_names;
    const double *weight_values;
    /* Planned links (a GeoJSON or any GDAL vector file of lines), or NULL:
     * the analyses run twice, without and with them, and the per-commune
     * deltas are written. Borrowed. */
    const char *add_links;
    /* Split run: part part_k (1..part_n) of part_n; 0, 0: the whole region.
     * See px_cycle_run. */
    int part_k, part_n;
} px_cycle_options;

/* Headline figures of a run (region-wide). */
typedef struct px_cycle_report {
    int64_t n_edges;                 /* bikeable edges classified */
    int64_t n_lts[5];                /* edges per class: [0] not bikeable, [1..4] LTS */
    int64_t n_islands;               /* low-stress islands */
    double population;               /* residents placed on the network */
    int64_t n_destinations;          /* destinations placed on the network (services and commune centres) */
    int64_t n_categories;            /* destination categories */
    double covered_population;       /* within coverage_m of a cycle route */
    double score;                    /* region connectivity score 0..100, -1 if no destination */
    int64_t n_links;                 /* missing links ranked */
    int64_t n_added;                 /* planned links snapped (what-if), 0 without add_links */
    double score_whatif;             /* region score with the planned links, -1 without */
    double covered_whatif;           /* covered residents with the planned links, -1 without */
    double seconds_connectivity;     /* wall time of coverage + connectivity (without what-if) */
    double seconds_links;            /* wall time of the missing-link ranking */
    double cpu_seconds_connectivity; /* the same as CPU time, all threads */
    double cpu_seconds_links;
    px_part_stats part; /* split runs: what the part read; the figures above only when it merged */
} px_cycle_report;

/* Run the cycle network analyses on the project's network (built by
 * `proxima network`: tables net_nodes and net_edges), its roads (for the tags),
 * population, services and communes layers. Writes, in one transaction:
 * net_edge_lts (LTS per edge), cycle_islands, cycle_coverage,
 * cycle_connectivity (per commune and the region row "*", "All communes"),
 * cycle_connectivity_origins, cycle_missing_links and, with add_links,
 * cycle_whatif. `opts` may be NULL (defaults); *report (may be NULL) is
 * filled on success.
 * Returns PX_OK; PX_EINVAL (NULL ctx/store or a bad option), PX_ENOTFOUND
 * (no network, or no roads/population/services layer), PX_EIO (planned-links
 * file unreadable), PX_ECRS (its CRS cannot be transformed), PX_EDOMAIN (a
 * planned link that is not a line or ends more than 100 m from the network),
 * PX_EGEOS (bad geometry in a layer), PX_ECANCELLED, PX_ENOMEM, PX_ESQLITE.
 * On any error the project's tables are unchanged. `ctx`, `store` and
 * `opts` are borrowed.
 *
 * Split runs (opts->part_k/part_n): the part reads the project through a
 * read-only connection of its own (the whole network: islands and links are
 * network-wide) and computes coverage and connectivity (the searches) for
 * the residents of its part of the communes (px_layer_partition) only, from
 * the destinations within detour x distance + snapping + the longest edge
 * of them; it writes them to cycle_part_K_of_N in one transaction. The part
 * that completes the set reads the project again in that transaction,
 * computes the LTS, islands and missing links, takes coverage and
 * connectivity from the parts' rows and writes every table, identical to a
 * whole run's; an incomplete set drops them. */
px_status px_cycle_run(px_ctx *ctx, px_store *store, const px_cycle_options *opts, px_cycle_report *report);

#ifdef __cplusplus
}
#endif
#endif
