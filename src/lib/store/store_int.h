/*
 * What the store's files share: the store struct and small SQLite helpers.
 * All SQL in Proxima lives in this module. Library-internal.
 */
#ifndef PX_STORE_INT_H
#define PX_STORE_INT_H

#include "../core/core_int.h"
#include "proxima/store.h"

#include <sqlite3.h>

#define PX_STORE_FORMAT "proxima-project-1"
/* How long a command waits for another one writing to the same project. */
#define PX_STORE_BUSY_MS 5000


struct px__pg;

struct px_store {
    px_ctx *ctx;
    struct px__pg *pg; /* non-NULL: a PostGIS project (pg_*.c); db is then NULL */
    sqlite3 *db;
    void *spatialite_cache;
    char *path;        /* for messages: the file, or the PG string with any password as *** */
    char *location;    /* the PG string as given, to connect again (NULL for a file: path) */
    char *crs;
    int srid;
    int read_only;
    int in_txn;        /* 0 none, 1 begun (px_store_begin or a writer), 2 snapshot taken at a first read */
    int has_revision;  /* px_tables has the revision/inputs columns (older projects gain them at a write) */
    char **reads;      /* tables read since the transaction began: the inputs of what is written next */
    size_t n_reads, cap_reads;
    char *clock;       /* px_store_set_clock: the time written to px_tables.updated_at, or NULL */
};

/* A writable store reading outside a transaction takes the write lock first
 * (BEGIN IMMEDIATE), so that everything the command reads comes from one
 * state of the project and no other command can commit in between; the
 * transaction is adopted by the next px_store_begin or writer, or rolled
 * back at close. Read-only stores read without it. Fails with a clear
 * message when another command holds the project longer than the busy
 * timeout. */
px_status px__store_snapshot(px_store *s);

/* Remember that table `name` was read (an input of the next table written). */
px_status px__store_note_read(px_store *s, const char *name);

/* Row count without noting the table as an input (the catalogue's own use). */
px_status px__store_count_rows(px_store *s, const char *name, int64_t *out);

/* Forget the tables read (at commit and rollback). */
void px__store_clear_reads(px_store *s);

/* Set a PX_ESQLITE error naming the store and what was being done. */
px_status px__store_sqlerr(px_store *s, const char *what);

/* Run SQL with no result rows. */
px_status px__store_exec(px_store *s, const char *sql);

/* Prepare; on failure sets the error and returns PX_ESQLITE. */
px_status px__store_prepare(px_store *s, const char *sql, sqlite3_stmt **out);

/* Is `name` a safe SQL identifier for a table or column ([A-Za-z0-9_], not empty)? */
int px__store_ident_ok(const char *name);

/* Update the px_tables row of `name` after a write: kind, geometry type,
 * count and extent (recomputed), updated_at and version. */
px_status px__store_touch_table(px_store *s, const char *name, const char *kind,
                                px_geom_type geom_type);

px_geom_type px__geom_type_from_name(const char *name);

/* Has table `name` SpatiaLite's R*Tree on geom (idx_NAME_geom)? */
int px__store_has_spatial_index(px_store *s, const char *name);

/* store_sql.c: one statement on either backend (small tables only). */
typedef struct px__rows {
    size_t n_rows, n_cols;
    px_value *cells; /* row-major; texts owned (px__rows_free) */
} px__rows;
#define PX__CELL(r, row, col) (&(r)->cells[(row) * (r)->n_cols + (col)])

/* Run `sql` (SQLite's ?N parameters; rewritten to $N for PostgreSQL) with
 * `params` (borrowed). With `out` non-NULL, the first n_cols columns of every
 * row are read as `types` into *out (caller-frees with px__rows_free). */
px_status px__store_sql(px_store *s, const char *sql, size_t n_params, const px_value *params, size_t n_cols,
                        const px_col_type *types, px__rows *out);
void px__rows_free(px__rows *r);

/* The time written to px_tables.updated_at: the store's clock, else now. */
void px__store_now(const px_store *s, char *buf, size_t n);

#include "pg_int.h"

#endif
