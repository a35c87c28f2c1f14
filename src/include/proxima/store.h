/*
 * Proxima project store: one file per project holding every layer, the
 * routable network and every analysis result, in one metric CRS.
 *
 * Two backends sit behind these calls: SQLite + SpatiaLite (a project file,
 * the default) and PostgreSQL + PostGIS (a project string "PG:<libpq
 * conninfo> schemas=NAME", GDAL's PG: syntax; one schema is one project).
 * Nothing in this header names SQL: analyses read and write tables through
 * readers and writers and never know which backend they use.
 *
 * Geometries cross this interface as ISO WKB in the project CRS.
 *
 * Transactions: px_store_begin/commit/rollback bracket every change. A writer
 * used outside a transaction gets its own (begun at px_store_table_create,
 * committed at px_table_writer_finish). Changes are all-or-nothing.
 *
 * Threads: a px_store (and its readers and writers) is used by one thread at
 * a time; a thread that works alongside opens its own (read-only) store.
 */
#ifndef PROXIMA_STORE_H
#define PROXIMA_STORE_H

#include "proxima/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct px_store px_store;

/* Axis-aligned box in the project CRS (or lon/lat where said). */
typedef struct px_bbox {
    double minx, miny, maxx, maxy;
} px_bbox;

typedef enum px_col_type { PX_COL_INT, PX_COL_REAL, PX_COL_TEXT } px_col_type;

typedef enum px_geom_type {
    PX_GEOM_NONE = 0, /* attribute-only table */
    PX_GEOM_POINT,
    PX_GEOM_LINESTRING,
    PX_GEOM_POLYGON,
    PX_GEOM_MULTIPOINT,
    PX_GEOM_MULTILINESTRING,
    PX_GEOM_MULTIPOLYGON,
    PX_GEOM_ANY /* mixed types in one table */
} px_geom_type;

/* Name of a geometry type as SpatiaLite/OGC spell it ("MULTIPOLYGON"); static. */
const char *px_geom_type_name(px_geom_type type);

typedef struct px_column {
    const char *name; /* borrowed */
    px_col_type type;
} px_column;

/* The shape of a table. All strings and the column array are borrowed. */
typedef struct px_table_schema {
    const char *name;          /* table name: [a-z0-9_]+ */
    const char *kind;          /* "layer", "network", "result" */
    px_geom_type geom_type;    /* PX_GEOM_NONE for attribute-only tables */
    size_t n_columns;
    const px_column *columns;  /* never includes fid or geom: both are implicit */
} px_table_schema;

/* A value to write. Strings are borrowed for the duration of the call. */
typedef struct px_value {
    px_col_type type;
    int is_null;
    union {
        int64_t i;
        double d;
        const char *s;
    } v;
} px_value;

#define PX_VALUE_INT(x) ((px_value){.type = PX_COL_INT, .is_null = 0, .v.i = (x)})
#define PX_VALUE_REAL(x) ((px_value){.type = PX_COL_REAL, .is_null = 0, .v.d = (x)})
#define PX_VALUE_TEXT(x) ((px_value){.type = PX_COL_TEXT, .is_null = ((x) == NULL), .v.s = (x)})
#define PX_VALUE_NULL ((px_value){.type = PX_COL_TEXT, .is_null = 1})

/* ---- opening ------------------------------------------------------------ */

/* Create a new project at `path` (must not exist) in CRS `crs` ("EPSG:2154";
 * must be a projected CRS in metres). `path` may be a "PG:..." string: the
 * schema is created if needed and must not hold a project yet. On success
 * *out is caller-frees with px_store_close. Returns PX_EIO (exists / cannot
 * write), PX_ECRS, PX_EINVAL (bad schema name), PX_ESQLITE (also for
 * PostgreSQL errors, e.g. cannot connect). */
px_status px_store_create(px_ctx *ctx, const char *path, const char *crs, px_store **out);

/* Open an existing project (a file or a "PG:..." string). `read_only`
 * non-zero opens it read-only. Returns PX_EIO (missing), PX_ENOTPROJECT (not
 * a Proxima store), PX_ESQLITE (also for PostgreSQL errors). */
px_status px_store_open(px_ctx *ctx, const char *path, int read_only, px_store **out);

/* Close; NULL accepted. An open transaction is rolled back. */
void px_store_close(px_store *store);

/* Project CRS as given at creation ("EPSG:2154"); borrowed from the store. */
const char *px_store_crs(const px_store *store);

/* Numeric EPSG code of the project CRS. */
int px_store_srid(const px_store *store);

/* Path of the store file, or the "PG:..." string as given; borrowed. */
const char *px_store_path(const px_store *store);
/* The project as given, to open it again (a PostGIS string keeps its
 * password here, unlike px_store_path, which messages use: never print it). */
const char *px_store_location(const px_store *store);
/* `path` for people to read: a PostGIS string with every password shown as
 * "***" (password=..., and a URI's user:password@); a file path as is.
 * Caller-frees (free()); NULL when out of memory. */
char *px_store_redact(const char *path);

/* Is `path` a PostGIS project string ("PG:...") rather than a file name?
 * (Such a string is never resolved against a folder.) NULL gives 0. */
int px_store_is_conninfo(const char *path);

/* A short name of project `path` to show people (report titles, the
 * viewer): the file's name without its folder or, for a PostGIS string, its
 * schema; never the connection parameters, which may hold a password.
 * Caller-frees (free()); NULL when out of memory. */
char *px_store_display_name(const char *path);

/* A WGS84 longitude/latitude (degrees) in the project CRS: *x, *y on success.
 * Returns PX_EINVAL (NULL, or lon/lat not finite or out of range), PX_ECRS
 * or PX_EPROJ (PROJ cannot transform the point; the message names it). */
px_status px_store_lonlat_to_xy(px_ctx *ctx, const px_store *store, double lon, double lat, double *x, double *y);

/* ---- transactions ------------------------------------------------------- */

px_status px_store_begin(px_store *store);
px_status px_store_commit(px_store *store);
/* Roll back; safe to call when no transaction is open. */
void px_store_rollback(px_store *store);

/* ---- tables ------------------------------------------------------------- */

/* Does table `name` exist? */
int px_store_has_table(px_store *store, const char *name);

/* Drop table `name` (and its geometry registration, index and metadata) if it
 * exists. Use inside a transaction to replace atomically. */
px_status px_store_drop_table(px_store *store, const char *name);

typedef struct px_table_writer px_table_writer;

/* Create table `schema->name`, replacing any existing one, and open a writer
 * on it. Every table gets `fid INTEGER PRIMARY KEY` and, unless geom_type is
 * NONE, a `geom` column in the project SRID with a spatial index.
 * On success *out must be finished or aborted. */
px_status px_store_table_create(px_store *store, const px_table_schema *schema,
                                px_table_writer **out);

/* Append a row. `values` has schema->n_columns entries (borrowed); `wkb`
 * (borrowed, may be NULL for a NULL geometry) is ISO WKB in the project CRS.
 * On success *fid_out (may be NULL) receives the new row's fid. */
px_status px_table_writer_add(px_table_writer *w, const px_value *values,
                              const unsigned char *wkb, size_t wkb_len, int64_t *fid_out);

/* Leave this table without a spatial index (R*Tree): about ten seconds per
 * million rows saved, for large result tables that are read whole. Box
 * reads then test every row's MBR. Call before finish. */
void px_table_writer_no_spatial_index(px_table_writer *w);

/* Finish: build the spatial index (unless asked not to), record counts and extent in the metadata,
 * and commit if the writer began the transaction. Frees `w` in every case. */
px_status px_table_writer_finish(px_table_writer *w);

/* Abort: discard the writer; if it began the transaction, roll back. NULL ok. */
void px_table_writer_abort(px_table_writer *w);

typedef struct px_table_reader px_table_reader;

/* Read table `name`, rows in fid order. `columns` (borrowed, NULL-terminated,
 * or NULL for all columns) selects what to read; `with_geom` non-zero also
 * reads the geometry as WKB. Optional `bbox` (NULL for all) keeps rows whose
 * geometry's box intersects it, through the spatial index.
 * Returns PX_ENOTFOUND for a missing table or column. */
px_status px_store_reader_open(px_store *store, const char *name, const char *const *columns,
                               int with_geom, const px_bbox *bbox, px_table_reader **out);

/* Advance. *has_row is set to 1 with a row ready, 0 at the end. */
px_status px_table_reader_next(px_table_reader *r, int *has_row);

size_t px_table_reader_n_columns(const px_table_reader *r);
/* Column name (borrowed from the reader) and its declared type. */
const char *px_table_reader_column_name(const px_table_reader *r, size_t i);
px_col_type px_table_reader_column_type(const px_table_reader *r, size_t i);
/* Index of column `name` in this reader, or -1. */
int px_table_reader_column_index(const px_table_reader *r, const char *name);

int64_t px_table_reader_fid(const px_table_reader *r);
int px_table_reader_is_null(const px_table_reader *r, size_t i);
int64_t px_table_reader_int(const px_table_reader *r, size_t i);
double px_table_reader_real(const px_table_reader *r, size_t i);
/* UTF-8 text, borrowed until the next px_table_reader_next; NULL for NULL. */
const char *px_table_reader_text(const px_table_reader *r, size_t i);
/* WKB of the current row, borrowed until the next call; NULL for a NULL geometry. */
const unsigned char *px_table_reader_wkb(const px_table_reader *r, size_t *len);

void px_table_reader_close(px_table_reader *r);

/* Number of rows of table `name`. */
px_status px_store_count(px_store *store, const char *name, int64_t *out);

/* ---- copying a project ---------------------------------------------------- */

/* Called after each table is copied with its row count; `table` borrowed. */
typedef void (*px_copy_fn)(void *user, const char *table, int64_t n_rows);

/* Copy the whole project `src` (a file or a "PG:..." string; read in one
 * snapshot) to `dst` (either kind): every table with its rows, fids,
 * geometry and spatial index, the px_tables catalogue verbatim (revisions,
 * inputs, sources, dates: what was stale stays stale), the settings, the
 * blobs (the graph cache) and the run records; the CRS is the source's.
 * `dst` must not be a project already unless `replace` is non-zero; a file
 * that exists but is not a project is never overwritten. All or nothing: a
 * file is written beside `dst` and renamed over it; a PostGIS schema is
 * written (and, with `replace`, emptied first) in one transaction holding
 * the project lock. `on_table` (may be NULL) is called per table. Returns
 * PX_EIO (missing source, destination exists), PX_ENOTPROJECT, PX_EINVAL
 * (same project; a table whose fids have gaps), PX_ECRS, PX_ESQLITE. */
px_status px_store_copy(px_ctx *ctx, const char *src, const char *dst, int replace, px_copy_fn on_table,
                        void *user);

/* ---- metadata ----------------------------------------------------------- */

/* What the store knows of one table. Strings are owned by the info struct. */
typedef struct px_table_info {
    char *name;
    char *kind;             /* "layer", "network", "result" */
    px_geom_type geom_type;
    int64_t n_rows;
    int has_extent;
    px_bbox extent;         /* project CRS */
    char *source;           /* where it came from: a path, or the command that made it */
    char *source_layer;     /* may be NULL */
    char *filter;           /* may be NULL */
    char *note;             /* e.g. "proxy: ..."; may be NULL */
    char *updated_at;       /* ISO 8601 UTC */
    char *version;          /* Proxima version that wrote it */
    int64_t revision;       /* the project's write counter when it was last written */
    char *inputs;           /* JSON {"table": revision, ...} of the tables read to make it; NULL if none */
    char *stale;            /* NULL when current; else why not, e.g. "population changed since" */
} px_table_info;

/* Every table the project holds, sorted by name. *out is caller-frees with
 * px_table_info_free(*out, *n_out). */
px_status px_store_tables(px_store *store, px_table_info **out, size_t *n_out);

/* Info of one table. Returns PX_ENOTFOUND if absent. *out caller-frees with
 * px_table_info_free(out, 1). */
px_status px_store_table_info(px_store *store, const char *name, px_table_info **out);

void px_table_info_free(px_table_info *infos, size_t n);

/* Note table `name` as an input of the tables written next in this
 * transaction (reads through px_store_reader_open and px_store_count are
 * noted already; use this for inputs read through another connection, e.g.
 * a helper thread's read-only store: call it before that connection reads,
 * so that the snapshot is taken first). `name` is borrowed. Returns PX_OK,
 * PX_EINVAL, PX_ENOMEM, or PX_EIO when another command holds the project. */
px_status px_store_note_input(px_store *store, const char *name);

/* Record where table `name` came from (each string borrowed, NULL allowed).
 * Call inside the transaction that wrote it. */
px_status px_store_set_source(px_store *store, const char *name, const char *source,
                              const char *source_layer, const char *filter, const char *note);

/* Write `when` (ISO 8601 text, borrowed and copied; NULL: the clock again)
 * as px_tables.updated_at of every table written through this handle from
 * now on, instead of the current time: a scenario run stamps its run date,
 * so that anything showing these dates is the same for the same inputs.
 * Returns PX_OK, PX_EINVAL, PX_ENOMEM. */
px_status px_store_set_clock(px_store *store, const char *when);

/* Project-wide key/value settings (e.g. "region", "attribution"). The getter
 * returns PX_ENOTFOUND if unset; *out is caller-frees (free()). */
px_status px_store_set_setting(px_store *store, const char *key, const char *value);
px_status px_store_get_setting(px_store *store, const char *key, char **out);

#ifdef __cplusplus
}
#endif
#endif
