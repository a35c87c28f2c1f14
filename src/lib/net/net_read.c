/*
 * First step of the network build: read the `roads` and `cycle_routes`
 * layers through the store reader into flat arrays (lines, vertices, a
 * string pool), deciding each way's modes, directions and speeds with the
 * rules of way_rules.c. Ways no mode may use are counted and dropped here.
 * This file knows nothing of topology.
 */
#define _GNU_SOURCE /* qsort_r */
#include "net_build_int.h"

#include <stdlib.h>
#include <string.h>

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * size);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int64_t pool_add(px__netb *b, const char *s)
{
    if (!s) return -1;
    size_t n = strlen(s) + 1;
    if (grow((void **)&b->pool, &b->pool_cap, b->pool_n + n, 1)) return -2;
    memcpy(b->pool + b->pool_n, s, n);
    int64_t off = (int64_t)b->pool_n;
    b->pool_n += n;
    return off;
}

/* Small set of highway values; -1 for NULL, -2 on allocation failure. Beyond
 * PX__MAX_HIGHWAYS distinct values the rest are recorded as NULL. */
static int highway_index(px__netb *b, const char *hw)
{
    if (!hw) return -1;
    for (int i = 0; i < b->n_highways; i++)
        if (!strcmp(b->highways[i], hw)) return i;
    if (b->n_highways == PX__MAX_HIGHWAYS) return -1;
    b->highways[b->n_highways] = px__strdup(hw);
    if (!b->highways[b->n_highways]) return -2;
    return b->n_highways++;
}

/* Sorted offsets of the road ids in the pool, so that a cycle route that is
 * the same way as a road (an OSM way tagged with a cycle lane is in both
 * layers) is not added twice: the road, with its one-way and contraflow
 * tags, already carries it. */
typedef struct id_index {
    const char *pool;
    int64_t *off;
    size_t n;
} id_index;

static int off_cmp(const void *a, const void *b, void *pool)
{
    return strcmp((const char *)pool + *(const int64_t *)a, (const char *)pool + *(const int64_t *)b);
}

static int id_index_has(const id_index *ix, const char *id)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ix->pool + ix->off[mid], id);
        if (c == 0) return 1;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

static const char *const road_cols[] = {"id",    "highway",   "oneway",        "oneway_bicycle", "access",
                                        "foot",  "bicycle",   "cycleway",      "cycleway_left",  "cycleway_right",
                                        "cycleway_both", "layer", "bridge",    "tunnel",         "junction",
                                        "surface", NULL};
static const char *const cycle_cols[] = {"id", "kind", NULL};

static px_status read_layer(px__netb *b, px_store *store, const char *name, int is_cycle, int64_t total,
                            const id_index *road_ids)
{
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, name, is_cycle ? cycle_cols : road_cols, 1, NULL, &r);
    if (rc != PX_OK) return rc;
    int32_t *parts = NULL;
    size_t n_parts = 0, parts_cap = 0;
    int has = 0;
    int64_t row = 0;
    while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        if ((++row & 4095) == 0 && (rc = px__progress(b->ctx, "network: read", (uint64_t)row, (uint64_t)total)))
            break;
        if (is_cycle) b->n_cycle_routes++;
        else b->n_roads++;
        px__way_rule rule;
        const char *hw = NULL;
        if (is_cycle && road_ids && px_table_reader_text(r, 0) && id_index_has(road_ids, px_table_reader_text(r, 0))) {
            b->n_cycle_in_roads++;
            continue;
        }
        if (is_cycle) {
            px__way_rule_cycle_route(px_table_reader_text(r, 1), &b->opts, &rule);
        } else {
#define T(i) px_table_reader_text(r, i)
            px__way_tags t = {T(1), T(2), T(3), T(4), T(5), T(6), T(7), T(8), T(9), T(10), T(11), T(12), T(13),
                              T(14), T(15)};
#undef T
            hw = t.highway;
            px__way_rule_road(&t, &b->opts, &rule);
        }
        if (!rule.flags) {
            b->n_excluded++;
            continue;
        }
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) continue; /* no geometry: nothing to route on */
        n_parts = 0;
        rc = px__wkb_line_coords(b->ctx, wkb, len, &b->xy, &b->n_v, &b->v_cap, &parts, &n_parts, &parts_cap);
        if (rc != PX_OK) {
            rc = px__error(b->ctx, rc, "%s:%s:%lld: %s", px_store_path(store), name,
                           (long long)px_table_reader_fid(r), px_ctx_errmsg(b->ctx));
            break;
        }
        if (b->n_v > INT32_MAX / 2) {
            rc = px__error(b->ctx, PX_EDOMAIN, "%s: network too large (over 1e9 vertices)", name);
            break;
        }
        int hwi = highway_index(b, hw);
        int64_t id_off = pool_add(b, px_table_reader_text(r, 0));
        if (hwi == -2 || id_off == -2 || grow((void **)&b->lines, &b->lines_cap, b->n_lines + n_parts, sizeof *b->lines)) {
            rc = px__error(b->ctx, PX_ENOMEM, "out of memory");
            break;
        }
        for (size_t p = 0; p < n_parts; p++) {
            int32_t end = p + 1 < n_parts ? parts[p + 1] : (int32_t)b->n_v;
            b->lines[b->n_lines++] = (px__line){.src_fid = px_table_reader_fid(r),
                                                .id_off = id_off,
                                                .v0 = parts[p],
                                                .nv = end - parts[p],
                                                .highway = (int16_t)hwi,
                                                .source = (uint8_t)is_cycle,
                                                .flags = (uint8_t)rule.flags,
                                                .layer = (int8_t)rule.layer,
                                                .bridge = (uint8_t)rule.bridge,
                                                .tunnel = (uint8_t)rule.tunnel,
                                                .walk_kmh = rule.walk_kmh,
                                                .bike_kmh = rule.bike_kmh};
        }
    }
    free(parts);
    px_table_reader_close(r);
    return rc;
}

px_status px__netb_read(px__netb *b, px_store *store)
{
    if (!px_store_has_table(store, "roads"))
        return px__error(b->ctx, PX_ENOTFOUND, "%s: no 'roads' layer: load one before `proxima network`",
                         px_store_path(store));
    int64_t n_roads = 0, n_cycle = 0;
    px_status rc = px_store_count(store, "roads", &n_roads);
    if (rc == PX_OK && px_store_has_table(store, "cycle_routes")) rc = px_store_count(store, "cycle_routes", &n_cycle);
    if (rc == PX_OK) rc = read_layer(b, store, "roads", 0, n_roads + n_cycle, NULL);
    if (rc != PX_OK || !px_store_has_table(store, "cycle_routes")) return rc;
    /* Index the ids of the roads read (each line keeps its feature's id). */
    id_index ix = {b->pool, malloc((b->n_lines ? b->n_lines : 1) * sizeof *ix.off), 0};
    if (!ix.off) return px__error(b->ctx, PX_ENOMEM, "out of memory");
    for (size_t l = 0; l < b->n_lines; l++)
        if (b->lines[l].id_off >= 0 && (ix.n == 0 || ix.off[ix.n - 1] != b->lines[l].id_off))
            ix.off[ix.n++] = b->lines[l].id_off;
    qsort_r(ix.off, ix.n, sizeof *ix.off, off_cmp, b->pool);
    rc = read_layer(b, store, "cycle_routes", 1, n_roads + n_cycle, &ix);
    free(ix.off);
    return rc;
}

void px__netb_free(px__netb *b)
{
    free(b->lines);
    free(b->xy);
    free(b->pool);
    for (int i = 0; i < b->n_highways; i++) free(b->highways[i]);
    free(b->node_of);
    free(b->node_xy);
    memset(b, 0, sizeof *b);
}
