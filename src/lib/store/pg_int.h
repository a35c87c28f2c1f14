/*
 * The PostgreSQL + PostGIS backend of the project store (pg_store.c,
 * pg_table.c, pg_meta.c), reached through libpq. A project string
 * "PG:<libpq conninfo> schemas=NAME" (GDAL's PG: syntax) names one schema of
 * one database; the public px_store_* functions dispatch here when
 * store->pg is set. Library-internal; included by store_int.h.
 */
#ifndef PX_PG_INT_H
#define PX_PG_INT_H

#include "proxima/store.h"

#include <libpq-fe.h>

struct px__pg {
    PGconn *conn;
    char *schema;   /* the project's schema (quoted where used) */
    int n_cursors;  /* names of reader cursors: px_c1, px_c2, ... */
};

typedef struct px__pg_writer px__pg_writer;
typedef struct px__pg_reader px__pg_reader;

/* Is `path` a PostGIS project string ("PG:...")? */
int px__pg_is_conninfo(const char *path);
/* The schema a project string names ("public" by default). Caller-frees. */
char *px__pg_schema_of(const char *path);

/* pg_store.c: connection, transactions, settings. */
px_status px__pg_create(px_ctx *ctx, const char *path, const char *crs, px_store **out);
/* The same; `replace`: a project already in the schema is dropped first (in
 * the same transaction); `keep_txn`: the transaction is left open (in_txn 1,
 * the project lock held) for the caller to fill and commit. */
px_status px__pg_create_ex(px_ctx *ctx, const char *path, const char *crs, int replace, int keep_txn,
                           px_store **out);
px_status px__pg_open(px_ctx *ctx, const char *path, int read_only, px_store **out);
void px__pg_close(px_store *s);
px_status px__pg_begin(px_store *s);
px_status px__pg_snapshot(px_store *s);
px_status px__pg_commit(px_store *s);
void px__pg_rollback(px_store *s);
px_status px__pg_exec(px_store *s, const char *sql);
/* Run a query with text parameters; *res caller-clears (PQclear). */
px_status px__pg_query(px_store *s, const char *sql, int n_params, const char *const *params, int binary,
                       PGresult **res);
px_status px__pg_get_meta(px_store *s, const char *key, char **out);
px_status px__pg_set_meta(px_store *s, const char *key, const char *value);

/* pg_table.c: tables, the COPY writer and the cursor reader. */
int px__pg_has_table(px_store *s, const char *name);
px_status px__pg_drop_table(px_store *s, const char *name);
px_status px__pg_writer_open(px_store *s, const px_table_schema *schema, px__pg_writer **out);
px_status px__pg_writer_add(px__pg_writer *w, const px_value *values, const unsigned char *wkb, size_t wkb_len,
                            int64_t *fid_out);
px_status px__pg_writer_finish(px__pg_writer *w, int spatial_index);
void px__pg_writer_free(px__pg_writer *w);
px_status px__pg_reader_open(px_store *s, const char *name, char **names, px_col_type *types, size_t n_columns,
                             int with_geom, const px_bbox *bbox, px__pg_reader **out);
/* Columns of table `name` but fid and geom (caller-frees names and each name). */
px_status px__pg_table_columns(px_store *s, const char *name, char ***names, px_col_type **types, size_t *n);
int px__pg_has_geometry(px_store *s, const char *name);
px_status px__pg_reader_next(px__pg_reader *r, int *has_row);
int64_t px__pg_reader_fid(const px__pg_reader *r);
int px__pg_reader_is_null(const px__pg_reader *r, size_t i);
int64_t px__pg_reader_int(const px__pg_reader *r, size_t i);
double px__pg_reader_real(const px__pg_reader *r, size_t i);
const char *px__pg_reader_text(const px__pg_reader *r, size_t i);
const unsigned char *px__pg_reader_wkb(const px__pg_reader *r, size_t *len);
void px__pg_reader_close(px__pg_reader *r);
px_status px__pg_count_rows(px_store *s, const char *name, int64_t *out);

/* pg_meta.c: the px_tables catalogue and the blobs. */
/* `indexed`: the table has its spatial index; the extent is then rounded out
 * to single precision as the SpatiaLite store's R*Tree gives it, so that both
 * stores report the same extent. */
px_status px__pg_touch_table(px_store *s, const char *name, const char *kind, px_geom_type geom_type, int indexed);
px_status px__pg_set_source(px_store *s, const char *name, const char *source, const char *source_layer,
                            const char *filter, const char *note);
px_status px__pg_query_infos(px_store *s, px_table_info **out, size_t *n_out);
px_status px__pg_blob_put(px_store *s, const char *name, const char *stamp, const void *data, size_t len);
px_status px__pg_blob_get(px_store *s, const char *name, char **stamp, void **data, size_t *len);
px_status px__pg_blob_info(px_store *s, const char *name, char **stamp, size_t *len);
px_status px__pg_blob_read(px_store *s, const char *name, size_t offset, void *buf, size_t n);
px_status px__pg_blob_delete(px_store *s, const char *name);

#endif
