/*
 * Tilesets (see proxima/tileset.h): one tile at a time, for the map server.
 * A table tileset holds the table loaded once (tsource.c); a tile request
 * scans the features whose world box meets the tile grown by the buffer,
 * simplifies just those for the zoom and encodes them with the same code as
 * the batch writer (mvt_encode.c), so a served tile and a written one agree.
 * An MBTiles tileset reads through the store module's reader.
 *
 * Left out: a spatial index over the loaded features (a scan of a few
 * hundred thousand boxes costs about a millisecond, and the server caches
 * what it builds), and raw (un-gzipped) tiles out of MBTiles files.
 */
#include "tiles_int.h"
#include "proxima/mbtiles.h"
#include "proxima/tileset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct px_tileset {
    char *name;
    char *attribution;
    int minzoom, maxzoom;
    double bounds[4];
    px_vtiles_options opts;
    px__tlayer *layer;           /* table tilesets */
    px_mbtiles_reader *mb;       /* MBTiles tilesets */
    char **mb_layers;            /* their vector_layers ids, NULL-terminated */
    json_t *vector_layers;
};

void px_tileset_close(px_tileset *ts)
{
    if (!ts) return;
    free(ts->name);
    free(ts->attribution);
    px__tlayer_free(ts->layer);
    px_mbtiles_close(ts->mb);
    for (size_t i = 0; ts->mb_layers && ts->mb_layers[i]; i++)
        free(ts->mb_layers[i]);
    free(ts->mb_layers);
    json_decref(ts->vector_layers);
    free(ts);
}

const char *px_tileset_name(const px_tileset *ts) { return ts->name; }

void px_tileset_zooms(const px_tileset *ts, int *minzoom, int *maxzoom)
{
    *minzoom = ts->minzoom;
    *maxzoom = ts->maxzoom;
}

int px_tileset_has_extent(const px_tileset *ts) { return !ts->layer || ts->layer->has_extent; }

void px_tileset_bounds(const px_tileset *ts, double bounds[4]) { memcpy(bounds, ts->bounds, sizeof ts->bounds); }

const char *px_tileset_attribution(const px_tileset *ts) { return ts->attribution ? ts->attribution : ""; }

int px_tileset_has_layer(const px_tileset *ts, const char *layer)
{
    if (ts->layer) return !strcmp(ts->layer->name, layer);
    for (size_t i = 0; ts->mb_layers && ts->mb_layers[i]; i++)
        if (!strcmp(ts->mb_layers[i], layer)) return 1;
    return 0;
}

px_status px_tileset_open_table(px_ctx *ctx, px_store *store, const char *table, const px_vtiles_options *opts,
                                px_tileset **out)
{
    if (!ctx || !store || !table || !out) return px__error(ctx, PX_EINVAL, "px_tileset_open_table: NULL argument");
    px_tileset *ts = calloc(1, sizeof *ts);
    if (!ts) return px__error(ctx, PX_ENOMEM, "out of memory");
    if (opts)
        ts->opts = *opts;
    else
        px_vtiles_options_default(&ts->opts);
    px_status rc = PX_OK;
    if (ts->opts.minzoom < 0 || ts->opts.maxzoom > 20 || ts->opts.minzoom > ts->opts.maxzoom ||
        ts->opts.extent < 256 || ts->opts.extent > 65536 || ts->opts.buffer < 0 ||
        ts->opts.buffer > ts->opts.extent || !(ts->opts.simplify >= 0)) {
        rc = px__error(ctx, PX_EINVAL, "tileset %s: bad options", table);
        goto done;
    }
    ts->minzoom = ts->opts.minzoom;
    ts->maxzoom = ts->opts.maxzoom;
    if ((rc = px__tlayer_load(ctx, store, table, NULL, &ts->layer)) != PX_OK) goto done;
    if (!(ts->name = px__strdup(table))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    if (px_store_get_setting(store, "attribution", &ts->attribution) != PX_OK) {
        px_ctx_clear_error(ctx);
        ts->attribution = NULL;
    }
    px__tlayer *l = ts->layer;
    double b[4] = {0, 0, 1, 1};
    if (l->has_extent) {
        b[0] = l->minx;
        b[1] = l->miny;
        b[2] = l->maxx;
        b[3] = l->maxy;
    }
    px__world_to_lonlat(b[0], b[3], &ts->bounds[0], &ts->bounds[1]);
    px__world_to_lonlat(b[2], b[1], &ts->bounds[2], &ts->bounds[3]);
    json_t *fields = json_object();
    for (size_t c = 0; fields && c < l->n_cols; c++)
        json_object_set_new(fields, l->cols[c], json_string(l->types[c] == PX_COL_TEXT ? "String" : "Number"));
    ts->vector_layers = json_pack("[{s:s, s:s, s:i, s:i, s:o}]", "id", l->name, "description", "", "minzoom",
                                  ts->minzoom, "maxzoom", ts->maxzoom, "fields", fields ? fields : json_object());
    if (!ts->vector_layers) rc = px__error(ctx, PX_ENOMEM, "out of memory");
done:
    if (rc != PX_OK) {
        px_tileset_close(ts);
        return rc;
    }
    *out = ts;
    return PX_OK;
}

static int parse_int_meta(px_ctx *ctx, px_mbtiles_reader *mb, const char *key, int dflt)
{
    char *v = NULL;
    if (px_mbtiles_get_metadata(mb, ctx, key, &v) != PX_OK) {
        px_ctx_clear_error(ctx);
        return dflt;
    }
    char *end;
    long n = strtol(v, &end, 10);
    int ok = end != v && n >= 0 && n <= 24;
    free(v);
    return ok ? (int)n : dflt;
}

px_status px_tileset_open_mbtiles(px_ctx *ctx, const char *path, const char *name, px_tileset **out)
{
    if (!ctx || !path || !out) return px__error(ctx, PX_EINVAL, "px_tileset_open_mbtiles: NULL argument");
    px_tileset *ts = calloc(1, sizeof *ts);
    if (!ts) return px__error(ctx, PX_ENOMEM, "out of memory");
    char *v = NULL;
    px_status rc = px_mbtiles_open(ctx, path, &ts->mb);
    if (rc != PX_OK) goto done;
    ts->name = name ? px__strdup(name) : px__tiles_basename(path);
    if (!ts->name) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = px_mbtiles_get_metadata(ts->mb, ctx, "format", &v)) != PX_OK || strcmp(v, "pbf") != 0) {
        rc = px__error(ctx, PX_EDOMAIN, "%s: not a vector tileset (metadata format is '%s', not 'pbf')", path,
                       rc == PX_OK ? v : "");
        goto done;
    }
    free(v);
    v = NULL;
    ts->minzoom = parse_int_meta(ctx, ts->mb, "minzoom", 0);
    ts->maxzoom = parse_int_meta(ctx, ts->mb, "maxzoom", 14);
    if (ts->minzoom > ts->maxzoom) ts->minzoom = ts->maxzoom;
    double b[4] = {-180, -85.0511, 180, 85.0511};
    if (px_mbtiles_get_metadata(ts->mb, ctx, "bounds", &v) == PX_OK) {
        double t[4];
        if (sscanf(v, "%lf,%lf,%lf,%lf", &t[0], &t[1], &t[2], &t[3]) == 4 && t[0] <= t[2] && t[1] <= t[3])
            memcpy(b, t, sizeof b);
        free(v);
        v = NULL;
    } else {
        px_ctx_clear_error(ctx);
    }
    memcpy(ts->bounds, b, sizeof b);
    if (px_mbtiles_get_metadata(ts->mb, ctx, "attribution", &ts->attribution) != PX_OK) px_ctx_clear_error(ctx);
    if (px_mbtiles_get_metadata(ts->mb, ctx, "json", &v) == PX_OK) {
        json_t *j = json_loads(v, 0, NULL);
        json_t *vl = json_object_get(j, "vector_layers");
        if (json_is_array(vl)) {
            ts->vector_layers = json_incref(vl);
            size_t n = json_array_size(vl);
            ts->mb_layers = calloc(n + 1, sizeof *ts->mb_layers);
            for (size_t i = 0, k = 0; ts->mb_layers && i < n; i++) {
                const char *id = json_string_value(json_object_get(json_array_get(vl, i), "id"));
                if (id && !(ts->mb_layers[k++] = px__strdup(id))) break;
            }
        }
        json_decref(j);
    } else {
        px_ctx_clear_error(ctx);
    }
    if (!ts->vector_layers) ts->vector_layers = json_array();
done:
    free(v);
    if (rc != PX_OK) {
        px_tileset_close(ts);
        return rc;
    }
    *out = ts;
    return PX_OK;
}

/* Does the world box of the tile grown by `buf` tile units meet the box? */
static int meets(const px__tgeom *g, double x0, double y0, double x1, double y1)
{
    return !(g->maxx < x0 || g->minx > x1 || g->maxy < y0 || g->miny > y1);
}

static px_status build_tile(px_ctx *ctx, const px_tileset *ts, px_tile t, int gzip, unsigned char **data,
                            size_t *len)
{
    const px__tlayer *l = ts->layer;
    double n = ldexp(1.0, t.z), buf = (double)ts->opts.buffer / ts->opts.extent;
    double x0 = (t.x - buf) / n, x1 = (t.x + 1 + buf) / n, y0 = (t.y - buf) / n, y1 = (t.y + 1 + buf) / n;
    px__tgeom *zg = calloc(l->n_feat + 1, sizeof *zg);
    px__tentry *entries = malloc((l->n_feat + 1) * sizeof *entries);
    px_status rc = PX_OK;
    size_t n_e = 0;
    if (!zg || !entries) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    int keep = t.z == ts->maxzoom;
    double tol = ts->opts.simplify / ldexp((double)ts->opts.extent, t.z);
    for (size_t k = 0; k < l->n_feat; k++) {
        const px__tgeom *g = &l->geoms[k];
        if (!g->n_parts || !meets(g, x0, y0, x1, y1)) continue;
        if (px__tgeom_simplify(g, tol, keep, &zg[k])) {
            px__tgeom_clear(&zg[k]);
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
        if (zg[k].n_parts)
            entries[n_e++] = (px__tentry){0, (uint32_t)k};
        else
            px__tgeom_clear(&zg[k]);
    }
    px__ttile_out o = {0};
    if (n_e) {
        px__tlayer *ls[1] = {ts->layer};
        px__tgeom *zgs[1] = {zg};
        px__vt_job job = {.layers = ls,
                          .n_layers = 1,
                          .zgeoms = zgs,
                          .z = t.z,
                          .extent = ts->opts.extent,
                          .buffer = ts->opts.buffer,
                          .gzip = gzip,
                          .keep_tiny = keep,
                          .feature_ids = ts->opts.feature_ids,
                          .max_bytes = ts->opts.max_tile_bytes};
        px__mvt_tile(&job, t.x, t.y, entries, n_e, &o);
        if (o.failed) rc = px__error(ctx, PX_ENOMEM, "tiles: %d/%u/%u: out of memory while encoding", t.z, t.x, t.y);
    }
    if (rc == PX_OK) {
        *data = o.data;
        *len = o.data ? o.len : 0;
    }
done:
    /* Only the entries used were touched: a large table's array stays mostly
     * untouched zero pages (calloc maps them lazily). */
    for (size_t e = 0; zg && entries && e < n_e; e++)
        px__tgeom_clear(&zg[entries[e].feat]);
    free(zg);
    free(entries);
    return rc;
}

px_status px_tileset_tile(px_ctx *ctx, const px_tileset *ts, px_tile t, int gzip, unsigned char **data,
                          size_t *len)
{
    if (!ts || !data || !len) return px__error(ctx, PX_EINVAL, "px_tileset_tile: NULL argument");
    if (t.z < 0 || t.z > 24 || t.x >= (1u << t.z) || t.y >= (1u << t.z))
        return px__error(ctx, PX_EINVAL, "tile %d/%u/%u is outside its zoom", t.z, t.x, t.y);
    *data = NULL;
    *len = 0;
    if (t.z < ts->minzoom || t.z > ts->maxzoom) return PX_OK;
    if (ts->mb) {
        if (!gzip)
            return px__error(ctx, PX_EINVAL, "%s: raw tiles out of an MBTiles file are not supported", ts->name);
        return px_mbtiles_get(ts->mb, ctx, t.z, t.x, t.y, data, len);
    }
    return build_tile(ctx, ts, t, gzip, data, len);
}

char *px_tileset_tilejson(const px_tileset *ts, const char *tiles_url)
{
    int cz = ts->minzoom + (ts->maxzoom - ts->minzoom) / 2;
    json_t *o = json_pack("{s:s, s:s, s:s, s:[s], s:i, s:i, s:[f,f,f,f], s:[f,f,i], s:s, s:O}", "tilejson", "3.0.0",
                          "name", ts->name, "format", "pbf", "tiles", tiles_url, "minzoom", ts->minzoom, "maxzoom",
                          ts->maxzoom, "bounds", ts->bounds[0], ts->bounds[1], ts->bounds[2], ts->bounds[3], "center",
                          (ts->bounds[0] + ts->bounds[2]) / 2, (ts->bounds[1] + ts->bounds[3]) / 2, cz,
                          "attribution", px_tileset_attribution(ts), "vector_layers", ts->vector_layers);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}
