/*
 * px_synth_region: a perturbed grid region for tests and benchmarks,
 * written with the canonical layer schemas through the store writers. Every
 * random draw is a hash of (seed, element, stream), so an element does not
 * depend on the order of generation and the same seed gives the same region
 * at any size. Deliberately simple: no hierarchy of roads, no rivers.
 */
#include "proxima/synth.h"
#include "proxima/io.h"
#include "net_build_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define X0 500000.0
#define Y0 6000000.0

static const char *const categories[8] = {"health", "education", "food",  "public_services",
                                          "culture", "sport",     "transit", "childcare"};

const char *px_synth_category(int i) { return i >= 0 && i < 8 ? categories[i] : ""; }

static double rnd(uint64_t seed, uint64_t i, uint64_t stream)
{
    uint64_t z = seed * 0x9E3779B97F4A7C15ULL + i * 0xBF58476D1CE4E5B9ULL + stream * 0x94D049BB133111EBULL + 1;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

typedef struct synth {
    px_ctx *ctx;
    px_store *store;
    px__wkbw *wk;
    px_synth_options o;
    int64_t w, n;
} synth;

static void node_xy(const synth *s, int64_t i, double *x, double *y)
{
    double sp = s->o.spacing_m;
    *x = X0 + (double)(i % s->w) * sp + (rnd(s->o.seed, (uint64_t)i, 1) - 0.5) * 0.4 * sp;
    *y = Y0 + (double)(i / s->w) * sp + (rnd(s->o.seed, (uint64_t)i, 2) - 0.5) * 0.4 * sp;
}

/* One grid link: kind by a draw; returns 0 if the link is missing. */
static int add_link(synth *s, px_table_writer *w, int64_t a, int64_t b, uint64_t link_id)
{
    double r = rnd(s->o.seed, link_id, 3);
    if (r < 0.04) return 0;
    const char *highway = "residential", *foot = NULL, *oneway = NULL;
    if (r < 0.19) highway = "cycleway", foot = "no";
    else if (r < 0.29) highway = "footway";
    else if (r < 0.34) oneway = "yes";
    if (oneway && rnd(s->o.seed, link_id, 4) < 0.5) {
        int64_t t = a; /* one-way in the other direction: draw the way reversed */
        a = b;
        b = t;
    }
    double ax, ay, bx, by;
    node_xy(s, a, &ax, &ay);
    node_xy(s, b, &bx, &by);
    char id[32];
    snprintf(id, sizeof id, "r%llu", (unsigned long long)link_id);
    px_value v[20];
    for (int i = 0; i < 20; i++) v[i] = PX_VALUE_NULL;
    v[0] = PX_VALUE_TEXT(id);
    v[1] = PX_VALUE_TEXT(highway);
    v[3] = PX_VALUE_TEXT(oneway);
    v[6] = PX_VALUE_TEXT(foot);
    size_t len = 0;
    unsigned char *wkb = px__wkbw_multi_segment(s->wk, ax, ay, bx, by, &len);
    if (!wkb) return -1;
    px_status rc = px_table_writer_add(w, v, wkb, len, NULL);
    px__wkbw_buf_free(s->wk, wkb);
    return rc == PX_OK ? 1 : -1;
}

static px_status write_roads(synth *s)
{
    px_table_writer *w = NULL;
    px_status rc = px_store_table_create(s->store, px_layer_schema(PX_LAYER_ROADS), &w);
    if (rc != PX_OK) return rc;
    for (int64_t i = 0; i < s->n && rc == PX_OK; i++) {
        if ((i & 16383) == 0 && (rc = px__progress(s->ctx, "synth: roads", (uint64_t)i, (uint64_t)s->n))) break;
        if ((i % s->w) + 1 < s->w && i + 1 < s->n && add_link(s, w, i, i + 1, 2 * (uint64_t)i) < 0)
            rc = px_ctx_errcode(s->ctx);
        if (rc == PX_OK && i + s->w < s->n && add_link(s, w, i, i + s->w, 2 * (uint64_t)i + 1) < 0)
            rc = px_ctx_errcode(s->ctx);
    }
    if (rc != PX_OK) {
        px_table_writer_abort(w);
        return rc;
    }
    return px_table_writer_finish(w);
}

static px_status write_points(synth *s, px_layer_id layer)
{
    px_table_writer *w = NULL;
    px_status rc = px_store_table_create(s->store, px_layer_schema(layer), &w);
    if (rc != PX_OK) return rc;
    int64_t per_cat = s->n / s->o.nodes_per_service;
    if (per_cat < 1) per_cat = 1;
    int64_t total = layer == PX_LAYER_SERVICES ? per_cat * s->o.n_categories : s->n;
    for (int64_t k = 0; k < total && rc == PX_OK; k++) {
        if ((k & 16383) == 0 && (rc = px__progress(s->ctx, "synth: points", (uint64_t)k, (uint64_t)total))) break;
        char id[32], name[64];
        px_value v[5];
        int64_t node;
        double off;
        if (layer == PX_LAYER_SERVICES) {
            int c = (int)(k / per_cat);
            node = (int64_t)(rnd(s->o.seed, (uint64_t)k, 5) * (double)s->n);
            off = 60;
            snprintf(id, sizeof id, "s%lld", (long long)k);
            snprintf(name, sizeof name, "%s %lld", categories[c], (long long)(k % per_cat));
            v[0] = PX_VALUE_TEXT(id);
            v[1] = PX_VALUE_TEXT(categories[c]);
            v[2] = PX_VALUE_TEXT(name);
            v[3] = PX_VALUE_REAL(1);
            v[4] = PX_VALUE_NULL;
        } else {
            node = k;
            off = 30;
            snprintf(id, sizeof id, "p%lld", (long long)k);
            v[0] = PX_VALUE_TEXT(id);
            v[1] = PX_VALUE_REAL(floor(rnd(s->o.seed, (uint64_t)k, 8) * 41));
            v[2] = PX_VALUE_TEXT("synth");
            v[3] = PX_VALUE_NULL;
        }
        double x, y;
        node_xy(s, node, &x, &y);
        x += (rnd(s->o.seed, (uint64_t)k, layer == PX_LAYER_SERVICES ? 6 : 9) - 0.5) * off;
        y += (rnd(s->o.seed, (uint64_t)k, layer == PX_LAYER_SERVICES ? 7 : 10) - 0.5) * off;
        size_t len = 0;
        unsigned char *wkb = px__wkbw_point(s->wk, x, y, &len);
        if (!wkb) rc = px_ctx_errcode(s->ctx);
        else rc = px_table_writer_add(w, v, wkb, len, NULL);
        px__wkbw_buf_free(s->wk, wkb);
    }
    if (rc != PX_OK) {
        px_table_writer_abort(w);
        return rc;
    }
    return px_table_writer_finish(w);
}

static px_status write_communes(synth *s)
{
    int64_t h = (s->n + s->w - 1) / s->w;
    int64_t blk = s->w / 3;
    blk = blk < 2 ? 2 : blk > 50 ? 50 : blk;
    int64_t nbx = (s->w + blk - 1) / blk, nby = (h + blk - 1) / blk;
    double *pop = calloc((size_t)(nbx * nby), sizeof *pop);
    if (!pop) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    for (int64_t i = 0; i < s->n; i++)
        pop[((i / s->w) / blk) * nbx + (i % s->w) / blk] += floor(rnd(s->o.seed, (uint64_t)i, 8) * 41);
    px_table_writer *w = NULL;
    px_status rc = px_store_table_create(s->store, px_layer_schema(PX_LAYER_COMMUNES), &w);
    double sp = s->o.spacing_m;
    for (int64_t c = 0; c < nbx * nby && rc == PX_OK; c++) {
        int64_t bx = c % nbx, by = c / nbx;
        if (by * blk * s->w + bx * blk >= s->n) continue; /* block with no node */
        char id[32], name[64];
        snprintf(id, sizeof id, "c%lld", (long long)c);
        snprintf(name, sizeof name, "Commune %lld", (long long)c);
        px_value v[4] = {PX_VALUE_TEXT(id), PX_VALUE_TEXT(name), PX_VALUE_REAL(pop[c]), PX_VALUE_NULL};
        size_t len = 0;
        unsigned char *wkb = px__wkbw_multi_box(s->wk, X0 + ((double)(bx * blk) - 0.5) * sp,
                                                Y0 + ((double)(by * blk) - 0.5) * sp,
                                                X0 + ((double)((bx + 1) * blk) - 0.5) * sp,
                                                Y0 + ((double)((by + 1) * blk) - 0.5) * sp, &len);
        if (!wkb) rc = px_ctx_errcode(s->ctx);
        else rc = px_table_writer_add(w, v, wkb, len, NULL);
        px__wkbw_buf_free(s->wk, wkb);
    }
    free(pop);
    if (rc != PX_OK) {
        px_table_writer_abort(w);
        return rc;
    }
    return px_table_writer_finish(w);
}

px_status px_synth_region(px_ctx *ctx, px_store *store, const px_synth_options *opts)
{
    if (!ctx || !store || !opts) return px__error(ctx, PX_EINVAL, "px_synth_region: NULL argument");
    synth s = {.ctx = ctx, .store = store, .o = *opts};
    if (s.o.n_nodes < 4 || s.o.n_nodes > 50000000)
        return px__error(ctx, PX_EINVAL, "synth: --nodes must be 4..50000000, not %lld", (long long)s.o.n_nodes);
    if (s.o.n_categories < 0 || s.o.n_categories > 8 || s.o.spacing_m < 0 || s.o.nodes_per_service < 0)
        return px__error(ctx, PX_EINVAL, "synth: bad option (categories 1..8, positive spacing)");
    if (s.o.spacing_m == 0) s.o.spacing_m = 100;
    if (s.o.n_categories == 0) s.o.n_categories = 8;
    if (s.o.nodes_per_service == 0) s.o.nodes_per_service = 400;
    s.n = s.o.n_nodes;
    s.w = (int64_t)ceil(sqrt((double)s.n));
    px_status rc = px__wkbw_new(ctx, &s.wk);
    if (rc != PX_OK) return rc;
    rc = px_store_begin(store);
    if (rc == PX_OK) rc = write_roads(&s);
    if (rc == PX_OK) rc = write_points(&s, PX_LAYER_SERVICES);
    if (rc == PX_OK) rc = write_points(&s, PX_LAYER_POPULATION);
    if (rc == PX_OK) rc = write_communes(&s);
    char src[96];
    snprintf(src, sizeof src, "proxima synth --nodes %lld --seed %llu", (long long)s.n, (unsigned long long)s.o.seed);
    for (int l = 0; rc == PX_OK && l < PX_LAYER_COUNT; l++)
        if (l == PX_LAYER_ROADS || l == PX_LAYER_SERVICES || l == PX_LAYER_POPULATION || l == PX_LAYER_COMMUNES)
            rc = px_store_set_source(store, px_layer_name((px_layer_id)l), src, NULL, NULL, "synthetic");
    if (rc == PX_OK) rc = px_store_set_setting(store, "region", "synthetic grid");
    if (rc == PX_OK) rc = px_store_commit(store);
    else px_store_rollback(store);
    px__wkbw_free(s.wk);
    return rc;
}
