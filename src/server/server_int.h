/*
 * What the map server's files share: the served project ("app": tilesets,
 * styles, tables, viewer files, per-thread workers), the tile cache, and the
 * documents both the HTTP server and the static site produce (catalog,
 * styles with their sources rewritten, TileJSON, tables). Uses only the
 * public headers. Names: srv_* (server-internal, never exported).
 */
#ifndef PX_SERVER_INT_H
#define PX_SERVER_INT_H

#include "proxima/proxima.h"
#include "proxima/server.h"

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

/* A connection and a context for one request thread at a time. */
typedef struct srv_worker {
    px_ctx *ctx;
    px_store *store;
    px_features_query *fq; /* made on the first box query */
    int busy;
    int bound; /* kept by the thread that took it first */
} srv_worker;

/* A tileset: a store table loaded on first use, or an MBTiles file. */
typedef struct srv_tileset {
    char *name;
    char *mbtiles;        /* path, or NULL for a table */
    px_tileset *ts;       /* NULL until loaded */
    int failed;           /* loading failed once: not retried */
    pthread_mutex_t lock; /* guards the first load */
} srv_tileset;

typedef struct srv_style {
    char *name;         /* file base name: "equity" */
    char *path;
    json_t *json;       /* as read */
    px_style *raster;   /* for PNG tiles; NULL when the renderer refuses it */
    int available;      /* every table it draws exists */
} srv_style;

/* A file the server answers from memory (viewer, MapLibre). */
typedef struct srv_file {
    char *url;  /* "/viewer/viewer.js" */
    const char *type;
    unsigned char *data;
    size_t len;
    char etag[24];
} srv_file;

typedef struct srv_cache srv_cache;

typedef struct srv_app {
    px_server_options opts;
    char *project;
    char *name;         /* project base name */
    char *attribution;  /* project setting, "" when none */
    double bounds[4];   /* lon/lat of the communes (or every table) */
    int has_bounds;
    srv_tileset *tilesets;
    size_t n_tilesets;
    srv_style *styles;
    size_t n_styles;
    char **tables;      /* per-commune tables (with commune_id) */
    size_t n_tables;
    int has_communes;
    srv_file *files;
    size_t n_files;
    srv_worker *workers;
    size_t n_workers;
    pthread_mutex_t wlock;
    pthread_cond_t wcond;
    pthread_key_t wkey; /* a server thread's own worker */
    int bind_threads;   /* server: threads keep their worker */
    srv_cache *cache;
} srv_app;

/* Open the project read-only and find what to serve; `n_workers` contexts
 * and connections. `site` non-zero: MBTiles files are not used. */
px_status srv_app_open(px_ctx *ctx, const char *project, const px_server_options *opts, size_t n_workers, int site,
                       srv_app **out);
void srv_app_close(srv_app *app);

srv_worker *srv_worker_get(srv_app *app);
void srv_worker_put(srv_app *app, srv_worker *w);

srv_tileset *srv_app_tileset(srv_app *app, const char *name);
srv_style *srv_app_style(srv_app *app, const char *name);
int srv_app_has_table(const srv_app *app, const char *name);
const srv_file *srv_app_file(const srv_app *app, const char *url);

/* printf of one or two strings into a new string (caller-frees), NULL when
 * out of memory. */
char *srv_fmt(const char *f, const char *a, const char *b);

/* The tileset, loaded on first use with the worker's context and store. */
px_status srv_tileset_get(srv_tileset *t, srv_worker *w, px_tileset **out);

/* Documents (docs.c), as new strings (caller-frees), NULL on failure (message on
 * w->ctx). `base` prefixes every URL: "" for relative ones (static site),
 * "http://host:port/" for the server. */
char *srv_catalog_json(srv_app *app, const char *base);
char *srv_style_json(srv_app *app, srv_worker *w, const srv_style *s, const char *base, int site);
char *srv_table_json(srv_worker *w, const char *table);

/* ---- tile cache (cache.c) ----------------------------------------------- */

/* A bounded LRU of byte strings by key. Thread-safe. */
srv_cache *srv_cache_new(size_t max_bytes);
void srv_cache_free(srv_cache *c);
/* Copy of the value (caller-frees) into *data; *found 0 when absent. An
 * empty value (an empty tile) is found with *data NULL. -1 out of memory. */
int srv_cache_get(srv_cache *c, const char *key, unsigned char **data, size_t *len, int *found);
void srv_cache_put(srv_cache *c, const char *key, const unsigned char *data, size_t len);

/* FNV-1a 64 of the bytes, as a quoted ETag into `out` (>= 20 bytes). */
void srv_etag(const unsigned char *data, size_t len, char *out);

#endif
