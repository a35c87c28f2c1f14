/*
 * px_tiles_write_vector: the vector tiling run. Layers are loaded once
 * (tsource.c); then, zoom by zoom, every feature is simplified once for the
 * zoom (in parallel), assigned to the tiles its box touches (a counting pass
 * and a filling pass, no per-tile allocation), and the zoom's tiles are
 * encoded in parallel (mvt_encode.c) and written in order by this thread,
 * the only one that touches the sink and the context.
 *
 * Left out: tiles of zooms whose features all simplify away are simply not
 * written (an absent tile is an empty tile for every reader).
 */
#include "tiles_int.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

void px_vtiles_options_default(px_vtiles_options *o)
{
    memset(o, 0, sizeof *o);
    o->minzoom = 0;
    o->maxzoom = 14;
    o->extent = 4096;
    o->buffer = 64;
    o->simplify = 4;
    o->max_tile_bytes = 500 * 1024;
    o->threads = 2;
    o->feature_ids = 1;
    o->aggregate_min = 2000;
    o->aggregate_cell = 16;
}

typedef struct zwork {
    px__vt_job job;
    size_t *first; /* per layer: index of its first feature in the flat numbering */
    size_t n_total;
    double tol;
    atomic_int failed;
    /* the zoom's tiles */
    uint64_t *keys; /* x << 32 | y, sorted */
    size_t n_tiles;
    size_t *start; /* n_tiles + 1 offsets into entries */
    px__tentry *entries;
    px__ttile_out *outs;
} zwork;

static void simplify_one(void *user, size_t i, int thread)
{
    (void)thread;
    zwork *w = user;
    size_t l = 0;
    while (l + 1 < w->job.n_layers && w->first[l + 1] <= i)
        l++;
    size_t k = i - w->first[l];
    const px__tgeom *src = &w->job.layers[l]->geoms[k];
    if (!src->n_parts) return;
    if (px__tgeom_simplify(src, w->tol, w->job.keep_tiny, &w->job.zgeoms[l][k])) atomic_store(&w->failed, 1);
}

static void encode_one(void *user, size_t i, int thread)
{
    (void)thread;
    zwork *w = user;
    uint32_t x = (uint32_t)(w->keys[i] >> 32), y = (uint32_t)w->keys[i];
    px__mvt_tile(&w->job, x, y, w->entries + w->start[i], w->start[i + 1] - w->start[i], &w->outs[i]);
}

/* Open-addressing map from tile key to a dense tile index. */
typedef struct kmap {
    uint64_t *k;
    uint32_t *v;
    size_t cap, n;
} kmap;

static int kmap_slot(kmap *m, uint64_t key, size_t *slot)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 1024;
        uint64_t *k = malloc(cap * sizeof *k);
        uint32_t *v = malloc(cap * sizeof *v);
        if (!k || !v) {
            free(k);
            free(v);
            return -1;
        }
        memset(k, 0xff, cap * sizeof *k);
        for (size_t i = 0; i < m->cap; i++) {
            if (m->k[i] == UINT64_MAX) continue;
            size_t j = (m->k[i] * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
            while (k[j] != UINT64_MAX)
                j = (j + 1) & (cap - 1);
            k[j] = m->k[i];
            v[j] = m->v[i];
        }
        free(m->k);
        free(m->v);
        m->k = k;
        m->v = v;
        m->cap = cap;
    }
    size_t j = (key * 0x9E3779B97F4A7C15ull >> 20) & (m->cap - 1);
    while (m->k[j] != UINT64_MAX && m->k[j] != key)
        j = (j + 1) & (m->cap - 1);
    *slot = j;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Tile range of a box at zoom z, grown by the buffer; 0 if outside the world. */
static void tile_range(const px__tgeom *g, int z, double buf_tiles, uint32_t r[4])
{
    double n = ldexp(1.0, z);
    double v[4] = {floor(g->minx * n - buf_tiles), floor(g->miny * n - buf_tiles),
                   floor(g->maxx * n + buf_tiles), floor(g->maxy * n + buf_tiles)};
    for (int i = 0; i < 4; i++) {
        if (v[i] < 0) v[i] = 0;
        if (v[i] > n - 1) v[i] = n - 1;
        r[i] = (uint32_t)v[i];
    }
}

/* Count, then fill, the tile entries of the zoom. */
static px_status bucket(px_ctx *ctx, zwork *w)
{
    kmap m = {0};
    size_t *count = NULL, cap_count = 0, slot;
    px_status rc = PX_OK;
    double buf_tiles = (double)w->job.buffer / w->job.extent;
    for (int pass = 0; pass < 2 && rc == PX_OK; pass++) {
        for (size_t l = 0; l < w->job.n_layers && rc == PX_OK; l++) {
            for (size_t k = 0; k < w->job.layers[l]->n_feat; k++) {
                const px__tgeom *g = &w->job.zgeoms[l][k];
                if (!g->n_parts) continue;
                uint32_t r[4];
                tile_range(g, w->job.z, buf_tiles, r);
                for (uint32_t x = r[0]; x <= r[2]; x++)
                    for (uint32_t y = r[1]; y <= r[3]; y++) {
                        uint64_t key = (uint64_t)x << 32 | y;
                        if (pass == 0) {
                            if (kmap_slot(&m, key, &slot)) {
                                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                                goto done;
                            }
                            if (m.k[slot] == UINT64_MAX) {
                                m.k[slot] = key;
                                m.v[slot] = (uint32_t)m.n++;
                                if (m.n > cap_count) {
                                    size_t c = cap_count ? 2 * cap_count : 1024;
                                    size_t *nc = realloc(count, c * sizeof *nc);
                                    if (!nc) {
                                        rc = px__error(ctx, PX_ENOMEM, "out of memory");
                                        goto done;
                                    }
                                    count = nc;
                                    cap_count = c;
                                }
                                count[m.n - 1] = 0;
                            }
                            count[m.v[slot]]++;
                        } else {
                            kmap_slot(&m, key, &slot); /* present: no growth */
                            w->entries[count[m.v[slot]]++] = (px__tentry){(uint32_t)l, (uint32_t)k};
                        }
                    }
            }
        }
        if (pass == 0) {
            /* Order tiles by key, then turn counts into fill positions. */
            w->n_tiles = m.n;
            w->keys = malloc((m.n + 1) * sizeof *w->keys);
            w->start = malloc((m.n + 1) * sizeof *w->start);
            size_t *rank = malloc((m.n + 1) * sizeof *rank);
            if (!w->keys || !w->start || !rank) {
                free(rank);
                {
                    rc = px__error(ctx, PX_ENOMEM, "out of memory");
                    goto done;
                }
            }
            size_t t = 0;
            for (size_t i = 0; i < m.cap; i++)
                if (m.k[i] != UINT64_MAX) w->keys[t++] = m.k[i];
            qsort(w->keys, m.n, sizeof *w->keys, cmp_u64);
            size_t total = 0;
            for (size_t i = 0; i < m.n; i++) {
                kmap_slot(&m, w->keys[i], &slot);
                size_t dense = m.v[slot];
                w->start[i] = total;
                total += count[dense];
                rank[dense] = i;
            }
            w->start[m.n] = total;
            /* From now on a tile's dense index maps to its sorted rank, and
             * count[] holds the next free entry of that tile. */
            for (size_t i = 0; i < m.cap; i++)
                if (m.k[i] != UINT64_MAX) m.v[i] = (uint32_t)rank[m.v[i]];
            for (size_t i = 0; i < m.n; i++)
                count[i] = w->start[i];
            free(rank);
            w->entries = malloc((total + 1) * sizeof *w->entries);
            if (!w->entries) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                goto done;
            }
        }
    }
done:
    free(m.k);
    free(m.v);
    free(count);
    return rc;
}

static json_t *vector_layers_json(px__tlayer **layers, size_t n, int minz, int maxz, const uint8_t *agg)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *fields = json_object();
        for (size_t c = 0; fields && c < layers[i]->n_cols; c++)
            json_object_set_new(fields, layers[i]->cols[c],
                                json_string(layers[i]->types[c] == PX_COL_TEXT ? "String" : "Number"));
        if (fields && agg[i]) json_object_set_new(fields, "point_count", json_string("Number"));
        json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:o}", "id", layers[i]->name, "description", "",
                              "minzoom", minz, "maxzoom", maxz, "fields", fields ? fields : json_object());
        if (!o || json_array_append_new(arr, o)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static px_status check_options(px_ctx *ctx, const px_vtiles_options *o)
{
    if (o->minzoom < 0 || o->maxzoom > 20 || o->minzoom > o->maxzoom)
        return px__error(ctx, PX_EINVAL, "tiles: zoom range %d..%d is not within 0..20", o->minzoom,
                         o->maxzoom);
    if (o->extent < 256 || o->extent > 65536)
        return px__error(ctx, PX_EINVAL, "tiles: extent %d is not within 256..65536", o->extent);
    if (o->aggregate_cell < 1 || o->aggregate_cell > o->extent)
        return px__error(ctx, PX_EINVAL, "tiles: aggregation cell %d is not within 1..extent", o->aggregate_cell);
    if (o->buffer < 0 || o->buffer > o->extent)
        return px__error(ctx, PX_EINVAL, "tiles: buffer %d is not within 0..extent", o->buffer);
    if (!(o->simplify >= 0) || o->simplify > o->extent)
        return px__error(ctx, PX_EINVAL, "tiles: simplification %g is not within 0..extent", o->simplify);
    return PX_OK;
}

px_status px_tiles_write_vector(px_ctx *ctx, px_store *store, const px_tiles_layer *layers, size_t n_layers,
                                const char *out_path, const px_vtiles_options *opts, px_tiles_report *report)
{
    if (!ctx || !store || !layers || !n_layers || !out_path)
        return px__error(ctx, PX_EINVAL, "px_tiles_write_vector: NULL argument or no layer");
    px_vtiles_options o;
    if (opts)
        o = *opts;
    else
        px_vtiles_options_default(&o);
    px_status rc = check_options(ctx, &o);
    if (rc != PX_OK) return rc;
    for (size_t i = 0; i < n_layers; i++) {
        if (!layers[i].table) return px__error(ctx, PX_EINVAL, "px_tiles_write_vector: layer %zu has no table", i);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(layers[i].table, layers[k].table))
                return px__error(ctx, PX_EINVAL, "tiles: layer '%s' is named twice (one MVT layer per table)",
                                 layers[i].table);
    }
    px_tiles_report rep = {0};
    px__tlayer **ls = calloc(n_layers, sizeof *ls);
    px__tgeom **zg = calloc(n_layers, sizeof *zg);
    size_t *first = calloc(n_layers + 1, sizeof *first);
    /* Per zoom: the layers as tiled (aggregated or not) and their geometries. */
    px__tlayer **zl = calloc(n_layers, sizeof *zl);
    px__tgeom **zgz = calloc(n_layers, sizeof *zgz);
    uint8_t *agg = calloc(n_layers + 1, 1);
    px__tsink *sink = NULL;
    json_t *vl = NULL;
    char *name = NULL, *attribution = NULL;
    if (!ls || !zg || !first || !zl || !zgz || !agg) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    double b[4] = {1, 1, 0, 0};
    for (size_t i = 0; i < n_layers && rc == PX_OK; i++) {
        rc = px__tlayer_load(ctx, store, layers[i].table, layers[i].columns, &ls[i]);
        if (rc != PX_OK) break;
        first[i + 1] = first[i] + ls[i]->n_feat;
        rep.n_features += ls[i]->n_feat;
        if (ls[i]->has_extent) {
            if (ls[i]->minx < b[0]) b[0] = ls[i]->minx;
            if (ls[i]->miny < b[1]) b[1] = ls[i]->miny;
            if (ls[i]->maxx > b[2]) b[2] = ls[i]->maxx;
            if (ls[i]->maxy > b[3]) b[3] = ls[i]->maxy;
        }
        if (!(zg[i] = calloc(ls[i]->n_feat + 1, sizeof *zg[i])))
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
        agg[i] = (uint8_t)px__tlayer_is_dense_points(ls[i], o.aggregate_min);
    }
    if (rc != PX_OK) goto done;
    if ((rc = px__tsink_open(ctx, out_path, "pbf", &sink)) != PX_OK) goto done;
    for (int z = o.minzoom; z <= o.maxzoom && rc == PX_OK; z++) {
        /* Dense point layers are aggregated below the max zoom (tagg.c). */
        for (size_t i = 0; i < n_layers && rc == PX_OK; i++) {
            zl[i] = ls[i];
            zgz[i] = zg[i];
            if (!agg[i] || z == o.maxzoom) continue;
            uint64_t merged = 0;
            px__tlayer *a = NULL;
            if (px__tlayer_aggregate(ls[i], z, o.extent, o.aggregate_cell, &a, &merged) ||
                !(zgz[i] = calloc(a->n_feat + 1, sizeof *zgz[i]))) {
                px__tlayer_free(a);
                zgz[i] = zg[i];
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
            zl[i] = a;
            rep.n_aggregated += merged;
        }
        for (size_t i = 0; i < n_layers; i++)
            first[i + 1] = first[i] + (zl[i] ? zl[i]->n_feat : 0);
        if (rc != PX_OK) goto zoom_done;
        zwork w = {.job = {.layers = zl,
                           .n_layers = n_layers,
                           .zgeoms = zgz,
                           .z = z,
                           .extent = o.extent,
                           .buffer = o.buffer,
                           .max_bytes = o.max_tile_bytes,
                           .keep_tiny = z == o.maxzoom,
                           .feature_ids = o.feature_ids},
                   .first = first,
                   .n_total = first[n_layers],
                   .tol = o.simplify / ldexp((double)o.extent, z)};
        /* Folder tiles are served as is: leave them uncompressed, as
         * GDAL's and most servers' XYZ readers expect. */
        w.job.gzip = strlen(out_path) > 8 && !strcmp(out_path + strlen(out_path) - 8, ".mbtiles");
        atomic_init(&w.failed, 0);
        px__parallel_for(w.n_total, o.threads, simplify_one, &w);
        if (atomic_load(&w.failed)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        if (rc == PX_OK) rc = bucket(ctx, &w);
        if (rc == PX_OK && !(w.outs = calloc(w.n_tiles + 1, sizeof *w.outs)))
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
        if (rc == PX_OK) px__parallel_for(w.n_tiles, o.threads, encode_one, &w);
        for (size_t t = 0; rc == PX_OK && t < w.n_tiles; t++) {
            px__ttile_out *to = &w.outs[t];
            uint32_t x = (uint32_t)(w.keys[t] >> 32), y = (uint32_t)w.keys[t];
            if (to->failed) {
                rc = px__error(ctx, PX_ENOMEM, "tiles: %d/%u/%u: out of memory while encoding", z, x, y);
                break;
            }
            if (to->capped) {
                rep.n_tiles_capped++;
                rep.n_dropped += to->n_dropped;
                px__log(ctx, PX_LOG_WARN, "tiles: %d/%u/%u: over the %zu-byte cap, dropped %u features", z, x,
                        y, o.max_tile_bytes, to->n_dropped);
            }
            if (!to->data) continue;
            rc = px__tsink_put(sink, z, x, y, to->data, to->len);
            rep.n_tiles++;
            rep.n_bytes += to->len;
            if (to->len > rep.max_tile_bytes) rep.max_tile_bytes = to->len;
            if (rc == PX_OK && (t & 1023) == 1023) rc = px__progress(ctx, "tiles: write", t + 1, w.n_tiles);
        }
        for (size_t t = 0; w.outs && t < w.n_tiles; t++)
            free(w.outs[t].data);
        free(w.outs);
        free(w.keys);
        free(w.start);
        free(w.entries);
    zoom_done:
        for (size_t l = 0; l < n_layers; l++) {
            if (!zl[l]) continue;
            for (size_t k = 0; k < zl[l]->n_feat; k++)
                px__tgeom_clear(&zgz[l][k]);
            if (zl[l] != ls[l]) {
                px__tlayer_free(zl[l]);
                free(zgz[l]);
            }
            zl[l] = NULL;
        }
        if (rc == PX_OK)
            rc = px__progress(ctx, "tiles: zooms", (uint64_t)(z - o.minzoom + 1),
                              (uint64_t)(o.maxzoom - o.minzoom + 1));
    }
    if (rc != PX_OK) goto done;
    vl = vector_layers_json(ls, n_layers, o.minzoom, o.maxzoom, agg);
    name = px__tiles_basename(out_path);
    if (!o.attribution) {
        const char **names = calloc(n_layers + 1, sizeof *names);
        if (!names) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < n_layers; i++)
            names[i] = layers[i].table;
        rc = px_tiles_attribution(ctx, store, names, n_layers, &attribution);
        free(names);
        if (rc != PX_OK) goto done;
    }
    if (!vl || !name) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    px__tmeta meta = {.name = o.name ? o.name : name,
                      .format = "pbf",
                      .attribution = o.attribution ? o.attribution : attribution,
                      .description = "Proxima vector tiles",
                      .minzoom = o.minzoom,
                      .maxzoom = o.maxzoom,
                      .vector_layers = vl};
    if (b[0] > b[2]) { /* no geometry at all: the whole world */
        b[0] = b[1] = 0;
        b[2] = b[3] = 1;
    }
    px__world_to_lonlat(b[0], b[3], &meta.bounds[0], &meta.bounds[1]);
    px__world_to_lonlat(b[2], b[1], &meta.bounds[2], &meta.bounds[3]);
    rc = px__tsink_finish(sink, &meta);
    sink = NULL;
done:
    px__tsink_abort(sink);
    json_decref(vl);
    free(name);
    free(attribution);
    for (size_t i = 0; ls && i < n_layers; i++) {
        free(zg ? zg[i] : NULL);
        px__tlayer_free(ls[i]);
    }
    free(ls);
    free(zg);
    free(zl);
    free(zgz);
    free(agg);
    free(first);
    if (rc == PX_OK && report) *report = rep;
    return rc;
}
