/*
 * Proxima map server and static site: a project's layers and results as
 * vector and raster tiles, TileJSON, MapLibre styles, GeoJSON box queries and
 * per-commune tables, with the web viewer, over HTTP (libmicrohttpd) or
 * written out as files any static web server can host.
 *
 * The project is opened read-only, by one connection per server thread.
 * Nothing here prints: every request is reported through the request log
 * callback, in one line.
 */
#ifndef PROXIMA_SERVER_H
#define PROXIMA_SERVER_H

#include "proxima/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One line per request ("GET /tiles/communes/12/2145/1434.pbf 200 5321 0.4ms
 * hit"); `line` is borrowed for the call. Called from the server's threads. */
typedef void (*px_server_log_fn)(void *user, const char *line);

typedef struct px_server_options {
    const char *bind;            /* address to listen on; default "127.0.0.1" */
    int port;                    /* default 8080; 0: any free port (see px_server_port) */
    int threads;                 /* request threads; default 2, 1..64 */
    size_t cache_bytes;          /* tile cache bound; default 64 MiB */
    unsigned timeout_s;          /* idle connection timeout; default 10 s */
    unsigned max_connections;    /* default 512 */
    const char *viewer_dir;      /* viewer files (index.html...); default: the source tree's src/viewer */
    const char *maplibre_dir;    /* MapLibre GL JS dist folder; default: node_modules/maplibre-gl/dist */
    const char *styles_dir;      /* MapLibre styles; default: the source tree's styles/ */
    const char *const *mbtiles;  /* NULL-terminated MBTiles files to serve as tilesets; NULL:
                                    every *.mbtiles in the project's folder and its tiles/ */
    px_server_log_fn log;        /* request log; NULL: none */
    void *log_user;
} px_server_options;

/* Fill `o` with the defaults above. */
void px_server_options_default(px_server_options *o);

typedef struct px_server px_server;

/* Open project `project` (borrowed) read-only and start serving. `opts` may be
 * NULL (defaults); its strings must outlive the server. *out caller-frees
 * with px_server_stop. Returns PX_EINVAL (bad option), PX_EIO (project,
 * viewer or MapLibre files missing; cannot listen on the address and port),
 * PX_ENOTPROJECT, PX_ESQLITE, PX_ENOMEM. */
px_status px_server_start(px_ctx *ctx, const char *project, const px_server_options *opts, px_server **out);

/* The TCP port listened on. */
int px_server_port(const px_server *srv);

/* Stop serving and free everything; NULL accepted. */
void px_server_stop(px_server *srv);

/* Write the static site of `project` to folder `out_dir` (created; an
 * earlier site there is replaced file by file): index.html and the viewer,
 * styles/, one TileJSON per tileset, tiles/TABLE/Z/X/Y.pbf (raw MVT, an empty
 * file for each empty tile inside the bounds, so that no request 404s),
 * tables/TABLE.json and .csv, labels/communes.geojson. Every URL is relative. `opts`
 * as px_server_start (only the folders are used). *n_tiles (may be NULL)
 * gets the number of tile files written. Returns PX_EIO, PX_ENOTPROJECT,
 * PX_ESQLITE, PX_ENOMEM and the tiling statuses. */
px_status px_site_write(px_ctx *ctx, const char *project, const char *out_dir, const px_server_options *opts,
                        uint64_t *n_tiles);

#ifdef __cplusplus
}
#endif
#endif
