/*
 * What the io module's files share: the parsed form of a layer definition
 * (one representation whether the file was YAML or JSON), the generic
 * document tree both parsers produce, and the loader's internal steps.
 * Library-internal: GDAL types may appear here, never in public headers.
 */
#ifndef PX_IO_INT_H
#define PX_IO_INT_H

#include "../core/core_int.h"
#include "proxima/io.h"

#include <stddef.h>

/* ---- the document tree (def_node.c, def_yaml.c, def_json.c) -------------- */

typedef enum px__node_kind { PX__NODE_SCALAR, PX__NODE_MAP, PX__NODE_SEQ } px__node_kind;

/* A YAML or JSON value. Scalars keep their text (numbers and booleans too);
 * `line` is 1-based, 0 when the parser does not know it (JSON values). */
typedef struct px__node {
    px__node_kind kind;
    int line;
    int is_null;             /* YAML `~`/`null`/empty, JSON null */
    char *text;              /* SCALAR: owned, "" for null */
    size_t n;                /* MAP, SEQ: number of entries */
    char **keys;             /* MAP: owned keys */
    int *key_lines;          /* MAP: line of each key (0 if unknown) */
    struct px__node **items; /* MAP values / SEQ items, owned */
} px__node;

void px__node_free(px__node *n);
/* Value of key `key` in a MAP, or NULL. Borrowed. */
const px__node *px__node_get(const px__node *map, const char *key);

/* Parse a whole file into a tree. PX_EPARSE names "path:line: reason";
 * PX_EIO when the file cannot be read. *out is caller-frees (px__node_free). */
px_status px__yaml_parse(px_ctx *ctx, const char *path, px__node **out);

/* Size bounds of a layer definition (README, "Layer definitions"): the file,
 * and the values it holds once YAML aliases are expanded. */
#define PX__DEF_MAX_BYTES (4 * 1024 * 1024)
#define PX__DEF_MAX_NODES 100000
/* Ranges of the numbers a definition holds: a buffer (metres) and a
 * population proxy's factor. */
#define PX__MAX_BUFFER_M 10000.0
#define PX__MAX_FACTOR 1e6
px_status px__json_parse(px_ctx *ctx, const char *path, px__node **out);

/* ---- the parsed definition (layerdef.c, def_source.c) --------------------- */

typedef enum px__fm_kind {
    PX__FM_FIELD, /* copy the first of `fields` that is set */
    PX__FM_VALUE, /* a constant */
    PX__FM_MAP    /* the first of `fields` whose value is in the map */
} px__fm_kind;

/* How one core column is filled. */
typedef struct px__fieldmap {
    char *column;
    px__fm_kind kind;
    int line;
    size_t n_fields;
    char **fields; /* source field names */
    char *value;   /* PX__FM_VALUE: the constant; NULL for null */
    size_t n_map;
    char **map_from; /* PX__FM_MAP: source values ... */
    char **map_to;   /* ... and what each becomes (NULL entry: null) */
    int has_default; /* PX__FM_MAP: unmapped values take `deflt` */
    char *deflt;     /* may be NULL (default: null) */
} px__fieldmap;

/* Attribute join from another file: features whose `field` equals the join
 * file's `key` get the join file's fields into core columns. */
typedef struct px__join {
    int line;
    char *source_text; /* as written */
    char *path;        /* resolved */
    char *layer;       /* NULL: first layer */
    char *field;       /* field of the source being loaded */
    char *key;         /* field of the join file */
    size_t n_columns;
    char **columns;     /* core columns to fill ... */
    char **join_fields; /* ... from these join-file fields */
} px__join;

/* Population proxy: share each total over the source features inside it. */
typedef struct px__distribute {
    int line;
    char *total_layer;  /* canonical layer holding the totals ("communes") */
    char *total_column; /* its column ("population") */
    int has_factor;
    px__fieldmap factor; /* per-feature factor (map of values to numbers) */
} px__distribute;

typedef enum px__geom_op { PX__GEOM_AS_IS = 0, PX__GEOM_POINT_ON_SURFACE, PX__GEOM_CENTROID } px__geom_op;

/* One source of a canonical layer. Strings owned; NULL when not given. */
typedef struct px__source {
    int line;
    char *source_text; /* as written in the definition: used in messages */
    char *path;        /* resolved against the definition's folder */
    char *layer, *where, *sql, *dialect, *srs, *note, *encoding;
    char *attribution; /* the source's credit line, for maps and tiles */
    px__geom_op geom_op;
    double buffer_m; /* 0: none */
    int dissolve;    /* union every feature of this source into one */
    size_t n_fields;
    px__fieldmap *fields;
    px__join *join;
    px__distribute *distribute;
} px__source;

struct px_layerdef {
    char *path;       /* the definition file, as given */
    char *dir;        /* its folder */
    char *osm_config; /* resolved path of an osmconf.ini, or NULL */
    size_t n_sources[PX_LAYER_COUNT];
    px__source *sources[PX_LAYER_COUNT];
};

/* Fill `src` from a source node of layer `layer`. `def` gives the folder and
 * the file name for messages. PX_EDOMAIN/PX_EPARSE with "file:line: ...". */
px_status px__source_parse(px_ctx *ctx, const px_layerdef *def, px_layer_id layer, const px__node *node,
                           px__source *src);
void px__source_clear(px__source *src);

/* Set an error "file:line: message" (YAML), or "file: message" when the
 * line is unknown (0: JSON), and return `status`. */
px_status px__def_error(px_ctx *ctx, px_status status, const px_layerdef *def, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Resolve `text` against `dir`: GDAL connection strings ("PG:...", "/vsi...")
 * and absolute paths are kept. Caller-frees; NULL on allocation failure. */
char *px__resolve_path(const char *dir, const char *text);

/* Does column `name` exist in canonical layer `layer` (props excluded)? */
int px__layer_has_column(px_layer_id layer, const char *name);

/* ---- the loader (load*.c) ------------------------------------------------- */

/* Largest value a real column of a canonical layer (population, count,
 * capacity, area_m2) may hold: 1e12 (an area of a million km2). */
#define PX__MAX_QUANTITY 1e12

#include <gdal.h>
#include <jansson.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "../geom/geom_int.h"

typedef struct px__dist px__dist;
typedef struct px__join_table px__join_table;
typedef struct px__dscache px__dscache;

/* One canonical layer being loaded: the writer and the running report. */
typedef struct px__layer_load {
    px_ctx *ctx;
    px_store *store;
    const px_layerdef *def;
    px_layer_id id;
    const px_table_schema *schema;
    px_table_writer *writer;
    px_load_report *report;
    px__dscache *cache;
    struct px__gdal_capture *cap; /* GDAL errors raised while reading */
    int *n_thin;                  /* thin-data warnings so far (the whole load) */
    char *thin_first;             /* the first one's text, for --strict */
    size_t thin_first_len;
} px__layer_load;

/* Log a thin-data warning (a filter or join matching nothing, an empty
 * layer) and count it: --strict turns these into a failure of the load. */
void px__load_thin(px__layer_load *ll, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A row ready to be written: one value per schema column (props last, as
 * JSON text), text values owned by the row, and the geometry in the project
 * CRS, fitted to the layer's type. */
typedef struct px__row {
    size_t n;
    px_value *values;
    char **owned;  /* per column: text to free, or NULL */
    json_t *props; /* becomes the props column */
    GEOSGeometry *geom;
    int64_t fid;
} px__row;

px_status px__row_init(px_ctx *ctx, const px_table_schema *schema, px__row *row);
/* Free what the row owns and reset it for the next feature. */
void px__row_reset(px_ctx *ctx, px__row *row);
void px__row_clear(px_ctx *ctx, px__row *row);

/* Write a finished row (props serialised, geometry as WKB). */
px_status px__row_write(px__layer_load *ll, px__row *row);

/* How one source's fields become columns (load_attr.c). */
typedef struct px__plan px__plan;

/* Resolve the mapping of `src` against layer `lyr`'s fields. A mapped field
 * that does not exist is PX_ENOTFOUND "SOURCE:LAYER: field 'x' ...". */
px_status px__plan_new(px__layer_load *ll, const px__source *src, OGRLayerH lyr, const char *layer_name,
                       const px__join_table *join, px__plan **out);
void px__plan_free(px__plan *plan);
/* Features looked up in the source's join so far, and how many found no row. */
void px__plan_join_stats(const px__plan *plan, int64_t *n_looked_up, int64_t *n_missed);

/* Fill the row's values and props from feature `f`. A feature that cannot
 * be used leaves a reason in `why` and returns PX_EDOMAIN without setting an
 * error (the caller rejects it); other statuses are errors. */
px_status px__plan_row(px__plan *plan, OGRFeatureH f, px__row *row, char *why, size_t why_len);

/* Value of the distribute factor for feature `f` (1 when none). PX_EDOMAIN
 * with `why` for an unmapped value without default or a non-number. */
px_status px__plan_factor(px__plan *plan, OGRFeatureH f, double *out, char *why, size_t why_len);

/* Is `s` valid UTF-8? */
int px__utf8_valid(const char *s);

/* Fit a source geometry to layer `id` (load_geom.c): reproject with `xf`
 * (NULL: same CRS), repair invalid geometry with MakeValid (*repaired = 1),
 * apply the source's geometry transform, promote to the layer's type.
 * Unusable input: *out NULL, reason in `why`, PX_OK. */
px_status px__geom_fit(px_ctx *ctx, px_layer_id id, const px__source *src, OGRGeometryH g, px__xform *xf,
                       GEOSGeometry **out, int *repaired, char *why, size_t why_len);

/* Promote `g` (taken) to the layer's stored type; returns the new geometry. */
GEOSGeometry *px__geom_promote(px_ctx *ctx, px_layer_id id, GEOSGeometry *g);

/* Join tables (load_join.c). */
px_status px__join_open(px_ctx *ctx, const px__join *j, px__join_table **out);
/* Values of the join fields for key `key` (borrowed), or NULL if no match. */
const char *const *px__join_lookup(const px__join_table *t, const char *key);
void px__join_free(px__join_table *t);

/* Open a GDAL vector source read-only; PX_EIO / PX_EGDAL with the path. */
px_status px__ogr_open(px_ctx *ctx, const char *path, const char *text, GDALDatasetH *out);

/* Datasets opened once per load (load_cache.c); OSM files are read once,
 * interleaved, into memory layers holding what the sources' filters keep. */
px_status px__dscache_new(px_ctx *ctx, const px_layerdef *def, struct px__gdal_capture *cap, px__dscache **out);
/* The dataset for `path` (borrowed from the cache). */
px_status px__dscache_get(px__dscache *c, const char *path, const char *text, GDALDatasetH *out);
void px__dscache_free(px__dscache *c);

/* Population proxy (load_distribute.c): collect features, then share the
 * totals out and write them. */
px_status px__dist_new(px__layer_load *ll, const px__source *src, const char *layer_name, px__dist **out);
/* Take the row's geometry and values for later (the row is emptied); a
 * feature outside every total's area is rejected and logged here. */
px_status px__dist_add(px__dist *d, px__row *row, double factor);
px_status px__dist_finish(px__dist *d);
void px__dist_free(px__dist *d);

/* Load one source into the layer being loaded (load_source.c). */
px_status px__load_source(px__layer_load *ll, const px__source *src);

#endif
