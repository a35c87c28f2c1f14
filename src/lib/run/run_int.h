/*
 * What the run module's files share: the parsed scenario (scenario.c), the
 * step plan built from it (run_plan.c), executing one step (run_exec.c),
 * hashing (run_hash.c). Library-internal.
 */
#ifndef PX_RUN_INT_H
#define PX_RUN_INT_H

#include "../core/core_int.h"
#include "../io/io_int.h"
#include "proxima/proxima.h"
#include "proxima/run.h"

#include <jansson.h>
#include <stddef.h>

/* Print maps and the council report (module print) and the static site
 * (module server) are outputs when this build has them. */
#if __has_include("proxima/print.h")
#define PX__HAVE_PRINT 1
#else
#define PX__HAVE_PRINT 0
#endif

typedef struct px__strlist {
    size_t n;
    char **v;
    int line;
} px__strlist;

void px__strlist_clear(px__strlist *l);

typedef struct px__sc_iso {
    int line;
    px_mode mode;
    double minutes[16];
    size_t n_minutes;
    char *table;
    double buffer_m;
    double snap_m;
} px__sc_iso;

/* One named table output (`geojson:`/`csv:` entries). */
typedef struct px__sc_export {
    int line;
    char *table;
    char *file; /* relative to the output folder */
} px__sc_export;

/* One print map (`maps:` entries). */
typedef struct px__sc_map {
    int line;
    char *style; /* resolved */
    char *file;  /* relative to the output folder: .pdf, .png or .svg */
    char *title; /* NULL: the style's name */
    int a3, landscape, atlas;
} px__sc_map;

/* One change of a services what-if in a scenario (`add`, `close`, `move`):
 * places as LON,LAT, turned into the project CRS when the step runs. */
typedef struct px__sc_svc_change {
    px_svc_change_kind kind;
    char *id;
    double lon, lat, capacity;
    int line;
} px__sc_svc_change;

struct px_scenario {
    char *path, *dir, *name, *description;
    char sha256[65]; /* of the file's bytes */
    char *project;   /* as written, relative to the output folder */
    char *crs;
    int project_line;
    char *output;       /* as written, relative to the current folder */
    px__strlist layers; /* resolved layer definition paths */
    int layers_line;

    int has_network;
    px_net_options net;

    int has_access, access_line;
    px_access_options access; /* categories point into access_cats */
    px__strlist access_cats;
    const char **access_cat_ptrs;

    size_t n_iso;
    px__sc_iso *iso;

    int has_equity, equity_line;
    px_equity_options equity;
    px_decay_band bands[16];
    px__strlist equity_cats;

    int has_brownfields, brownfields_line;
    char *bf_scenario; /* resolved */
    px_bf_options bf;

    int has_flood, flood_line;
    px_flood_options flood;
    px__strlist flood_cats;

    int has_cycle, cycle_line;
    px_cycle_options cycle;
    char *planned_links; /* resolved, or NULL */
    px__strlist weight_names;
    double *weight_values;

    int has_services, services_line; /* analyses.services: a what-if */
    px_whatif_options svc;           /* category points into svc_category */
    char *svc_category;
    size_t n_svc_changes;
    px__sc_svc_change *svc_changes;
    char *svc_changes_file; /* resolved, or NULL */
    int svc_add_sites;      /* also open the sites chosen by site_services */

    int has_sites, sites_line; /* analyses.site_services */
    px_site_options site;      /* category, candidates_layer point into the two below */
    char *site_category, *site_candidates;

    size_t n_exports;
    px__sc_export *exports;
    char *tiles_layers;  /* vector tiles of the loaded layers, or NULL */
    char *tiles_results; /* vector tiles of the result tables, or NULL */
    int tiles_line;
    px__strlist styles; /* resolved style paths for raster tiles */
    char *raster_dir;   /* folder of the raster tile sets, relative to the output folder */
    int raster_minzoom, raster_maxzoom;

    size_t n_maps;
    px__sc_map *maps;
    char *report_dir;          /* relative to the output folder; NULL: no report */
    char *report_title;
    char *report_compare;      /* an earlier run to compare with, or NULL */
    int report_top_sites;
    px__strlist report_styles; /* resolved; empty: every shipped style the project can draw */
    int report_line;
    char *site_dir;            /* relative to the output folder; NULL: no site */
    int site_line;
};

/* ---- the scenario's parser, shared by scenario.c and scenario_services.c --- */

typedef struct px__sc_parse {
    px_ctx *ctx;
    px_scenario *sc;
} px__sc_parse;

px_status px__sc_err(px__sc_parse *p, int line, const char *msg); /* PX_EDOMAIN "FILE:LINE: msg" */
int px__sc_line_of(const px__node *map, const char *key);
px_status px__sc_check_keys(px__sc_parse *p, const px__node *map, const char *what, const char *const *known);
px_status px__sc_text(px__sc_parse *p, const px__node *map, const char *key, const char *what, char **out);
px_status px__sc_path(px__sc_parse *p, const px__node *map, const char *key, const char *what, char **out);
px_status px__sc_number(px__sc_parse *p, const px__node *map, const char *key, const char *what, double lo,
                        double hi, int open_lo, double *out);
px_status px__sc_integer(px__sc_parse *p, const px__node *map, const char *key, const char *what, long lo,
                         long hi, int *out);
px_status px__sc_boolean(px__sc_parse *p, const px__node *map, const char *key, const char *what, int *out);
px_status px__sc_list(px__sc_parse *p, const px__node *map, const char *key, const char *what, px__strlist *out);
px_status px__sc_modes(px__sc_parse *p, const px__node *map, const char *key, const char *what, unsigned *out);
/* analyses.services and analyses.site_services (scenario_services.c). */
px_status px__sc_parse_services(px__sc_parse *p, const px__node *n);
px_status px__sc_parse_sites(px__sc_parse *p, const px__node *n);
void px__sc_services_free(px_scenario *sc);

/* ---- hashing (run_hash.c): SHA-256 as 64 lowercase hex digits ------------- */

typedef struct px__hash px__hash;
px__hash *px__hash_new(void);
void px__hash_text(px__hash *h, const char *s); /* the text and a separator */
/* The file's bytes (or, for a folder, nothing: callers list files). */
px_status px__hash_file(px_ctx *ctx, px__hash *h, const char *path);
/* Finish into out (65 bytes) and free. */
/* A path as a source: a file (a shapefile with its sibling files), every
 * file of a folder in name order, or the text of a GDAL connection string. */
px_status px__hash_path(px_ctx *ctx, px__hash *h, const char *path);
void px__hash_final(px__hash *h, char *out);
px_status px__sha256_file(px_ctx *ctx, const char *path, char *out);

/* ---- the plan (run_plan.c) ------------------------------------------------ */

typedef enum px__step_kind {
    PX__STEP_LOAD,
    PX__STEP_NETWORK,
    PX__STEP_ACCESS,
    PX__STEP_ISO,
    PX__STEP_EQUITY,
    PX__STEP_BROWNFIELDS,
    PX__STEP_FLOOD,
    PX__STEP_CYCLE,
    PX__STEP_SITES,
    PX__STEP_SERVICES,
    PX__STEP_EXPORT,
    PX__STEP_VTILES_LAYERS,
    PX__STEP_VTILES_RESULTS,
    PX__STEP_RTILES,
    PX__STEP_MAP,
    PX__STEP_REPORT,
    PX__STEP_SITE
} px__step_kind;

#define PX__STEP_MAX_DEPS 64
#define PX__STEP_MAX_TABLES 12

typedef struct px__step {
    px__step_kind kind;
    char id[160];
    size_t index_in_kind; /* which isochrone / export / style */
    size_t n_deps;
    size_t deps[PX__STEP_MAX_DEPS];
    char *params;      /* canonical JSON of the parameters, owned */
    px__strlist files; /* input files whose content is hashed */
    size_t n_tables;   /* tables it writes */
    const char *tables[PX__STEP_MAX_TABLES];
    const char *snapshot[PX__STEP_MAX_TABLES]; /* per-commune tables to snapshot, NULL-ended */
    char *output; /* file or folder written, relative to the output folder; NULL if none */
    char hash[65];
} px__step;

typedef struct px__plan {
    size_t n;
    px__step *steps;
} px__plan;

/* Build the steps of `sc`: ids, dependencies, parameters and input files.
 * An output naming a table no step writes is PX_EDOMAIN "FILE:LINE: ...". */
px_status px__plan_build(px_ctx *ctx, const px_scenario *sc, px__plan *out);
void px__plan_clear(px__plan *p);

/* ---- executing a step (run_exec.c) ---------------------------------------- */

/* Run step `st` of `sc` on `store`; output paths are under `outdir`. */
/* What a step needs beside the scenario and the plan. */
typedef struct px__exec_env {
    const char *outdir;
    const char *run;  /* the run's name */
    const char *date; /* the run's date (YYYY-MM-DD), printed on maps and the report */
    px_run_site_fn write_site;
    void *site_user;
} px__exec_env;

px_status px__step_exec(px_ctx *ctx, const px_scenario *sc, const px__plan *plan, const px__step *st,
                        px_store *store, const px__exec_env *env);

/* Snapshot the per-commune tables the plan's steps write into px_run_values
 * under `run` (inside the caller's transaction, or in its own when none). */
px_status px__run_snapshot(px_ctx *ctx, px_store *store, const px_scenario *sc, const px__plan *plan, const char *run);

/* A run name: 1 to 63 characters, no '/', '\\' or control characters. */
int px__run_name_ok(const char *s);

/* JSON helpers for canonical parameters (sorted keys, compact). Caller-frees. */
char *px__json_canonical(json_t *obj);
json_t *px__json_strlist(const px__strlist *l);
json_t *px__json_modes(unsigned modes);

#endif
