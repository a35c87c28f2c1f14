/*
 * `proxima site`: the static export. The same documents the server answers,
 * written as files under one folder with relative URLs, so that any static
 * web server (or python3 -m http.server) hosts the viewer as is. Tiles are
 * raw MVT (static servers do not add Content-Encoding) for the table
 * tilesets the styles draw and the communes, every tile inside each
 * tileset's bounds at every zoom, an empty file where a tile is empty:
 * the map then never asks for a file that is not there.
 *
 * Every file is written through px_file_write (temporary name, checked
 * writes, rename). Left out: PMTiles
 * (one file instead of a tree), MBTiles tilesets (the site tiles the store's
 * tables), raster tiles.
 */
#include "server_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static px_status mkdirs(px_ctx *ctx, const char *path)
{
    char buf[4096];
    if (strlen(path) >= sizeof buf) return px_ctx_set_error(ctx, PX_EIO, "%s: path too long", path);
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return px_ctx_set_error(ctx, PX_EIO, "%s: cannot create: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return px_ctx_set_error(ctx, PX_EIO, "%s: cannot create: %s", buf, strerror(errno));
    return PX_OK;
}

/* Write `len` bytes to `dir`/`rel` as every output is written
 * (px_file_write: temporary file, checked writes, rename). */
static px_status put(px_ctx *ctx, const char *dir, const char *rel, const void *data, size_t len)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, rel) >= sizeof path)
        return px_ctx_set_error(ctx, PX_EIO, "%s/%s: path too long", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = 0;
    px_status rc = mkdirs(ctx, path);
    *slash = '/';
    if (rc != PX_OK) return rc;
    return px_file_write(ctx, path, data, len);
}

static px_status put_str(px_ctx *ctx, const char *dir, const char *rel, char *s, px_ctx *wctx)
{
    if (!s) return px_ctx_set_error(ctx, px_ctx_errcode(wctx) ? px_ctx_errcode(wctx) : PX_ENOMEM, "%s: %s", rel,
                                    *px_ctx_errmsg(wctx) ? px_ctx_errmsg(wctx) : "out of memory");
    px_status rc = put(ctx, dir, rel, s, strlen(s));
    free(s);
    return rc;
}

static px_status write_tiles(px_ctx *ctx, const srv_app *app, srv_worker *w, px_tileset *ts, const char *dir,
                             uint64_t *n)
{
    int minz, maxz;
    double b[4];
    px_tileset_zooms(ts, &minz, &maxz);
    px_tileset_bounds(ts, b);
    /* An empty table's bounds are the whole world: its (empty) tiles are
     * written over the region only, not over 2^28 tiles at zoom 14. */
    if (!px_tileset_has_extent(ts) && app->has_bounds) memcpy(b, app->bounds, sizeof b);
    px_status rc = PX_OK;
    for (int z = minz; z <= maxz && rc == PX_OK; z++) {
        px_tile lo = px_tile_from_lonlat(b[0], b[3], z), hi = px_tile_from_lonlat(b[2], b[1], z);
        for (uint32_t x = lo.x; x <= hi.x && rc == PX_OK; x++)
            for (uint32_t y = lo.y; y <= hi.y && rc == PX_OK; y++) {
                unsigned char *data = NULL;
                size_t len = 0;
                px_tile t = {.z = z, .x = x, .y = y};
                if ((rc = px_tileset_tile(w->ctx, ts, t, 0, &data, &len)) != PX_OK) {
                    rc = px_ctx_set_error(ctx, rc, "%s", px_ctx_errmsg(w->ctx));
                    break;
                }
                char rel[256];
                snprintf(rel, sizeof rel, "tiles/%s/%d/%u/%u.pbf", px_tileset_name(ts), z, x, y);
                rc = put(ctx, dir, rel, data, len);
                free(data);
                (*n)++;
            }
    }
    return rc;
}

px_status px_site_write(px_ctx *ctx, const char *project, const char *out_dir, const px_server_options *opts,
                        uint64_t *n_tiles)
{
    if (!ctx || !project || !out_dir) return px_ctx_set_error(ctx, PX_EINVAL, "px_site_write: NULL argument");
    srv_app *app = NULL;
    px_status rc = srv_app_open(ctx, project, opts, 1, 1, &app);
    if (rc != PX_OK) return rc;
    srv_worker *w = &app->workers[0];
    uint64_t n = 0;
    if ((rc = mkdirs(ctx, out_dir)) != PX_OK) goto done;
    for (size_t i = 0; rc == PX_OK && i < app->n_files; i++) {
        const srv_file *f = &app->files[i];
        rc = put(ctx, out_dir, !strcmp(f->url, "/") ? "index.html" : f->url + 1, f->data, f->len);
    }
    if (rc == PX_OK) rc = put_str(ctx, out_dir, "viewer/catalog.json", srv_catalog_json(app, ""), w->ctx);
    /* Tilesets to write: those the styles draw, and the communes. */
    int *want = calloc(app->n_tilesets + 1, sizeof *want);
    if (!want) rc = px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < app->n_styles; i++) {
        srv_style *s = &app->styles[i];
        if (!s->available) continue;
        char rel[128];
        snprintf(rel, sizeof rel, "styles/%s.json", s->name);
        rc = put_str(ctx, out_dir, rel, srv_style_json(app, w, s, "", 1), w->ctx);
        size_t k;
        json_t *l;
        json_array_foreach(json_object_get(s->json, "layers"), k, l)
        {
            const char *t = json_string_value(json_object_get(l, "source-layer"));
            for (size_t j = 0; t && j < app->n_tilesets; j++)
                if (!strcmp(app->tilesets[j].name, t)) want[j] = 1;
        }
    }
    for (size_t j = 0; rc == PX_OK && j < app->n_tilesets; j++) {
        srv_tileset *t = &app->tilesets[j];
        if (!want[j] && strcmp(t->name, "communes")) continue;
        px_tileset *ts;
        if ((rc = srv_tileset_get(t, w, &ts)) != PX_OK) {
            rc = px_ctx_set_error(ctx, rc, "%s", px_ctx_errmsg(w->ctx));
            break;
        }
        char rel[128], tiles[160];
        snprintf(rel, sizeof rel, "%s.json", t->name);
        snprintf(tiles, sizeof tiles, "tiles/%s/{z}/{x}/{y}.pbf", t->name);
        if ((rc = put_str(ctx, out_dir, rel, px_tileset_tilejson(ts, tiles), w->ctx)) == PX_OK)
            rc = write_tiles(ctx, app, w, ts, out_dir, &n);
    }
    free(want);
    for (size_t i = 0; rc == PX_OK && i < app->n_tables; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tables/%s.json", app->tables[i]);
        rc = put_str(ctx, out_dir, rel, srv_table_json(w, app->tables[i]), w->ctx);
        char *csv = NULL;
        size_t len = 0;
        snprintf(rel, sizeof rel, "tables/%s.csv", app->tables[i]);
        if (rc == PX_OK) {
            if (px_table_csv(w->ctx, w->store, app->tables[i], &csv, &len) != PX_OK) csv = NULL;
            rc = put_str(ctx, out_dir, rel, csv, w->ctx);
        }
    }
    if (rc == PX_OK && app->has_communes) {
        char *s = NULL;
        size_t len = 0;
        if (px_features_geojson(w->ctx, w->store, "communes", NULL, 0, 1, &s, &len, NULL, NULL) != PX_OK) s = NULL;
        rc = put_str(ctx, out_dir, "labels/communes.geojson", s, w->ctx);
    }
done:
    srv_app_close(app);
    if (rc == PX_OK && n_tiles) *n_tiles = n;
    return rc;
}
