/*
 * Split accessibility runs (`proxima access --part K/N`): the inputs of one
 * part, and writing its rows and, when it completes the set, the tables of
 * the whole region.
 *
 * Exactness: an origin's minutes depend only on the destinations and edges
 * within the reach R (cutoff x the fastest edge speed of the modes run) of
 * its snapped point, which lies within the snapping distance S of the
 * origin. B is the box of the origins a part owns; it reads destinations
 * placed within B + R + 2S and snaps them on the edges meeting B + R + 3S
 * (every edge a point within B + R + 2S could snap to); every path of at
 * most R between such points stays inside that network. Search costs are
 * then the same sums over the same edges as in the whole graph, and snapping
 * breaks ties by edge order, which the sub-graph keeps: the minutes are
 * identical, not just close.
 *
 * Whole-region figures (the '*' row, the medians) need every origin: the
 * part whose rows complete the set rebuilds access_origins and
 * access_communes from all the parts' rows with the whole run's own writer,
 * in the whole run's origin order, so they are byte-for-byte those of a
 * whole run. Not here: the searches (access_run.c) and the table writers
 * (access_write.c).
 */
#include "access_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Safety factor on the reach: edge costs are stored as floats, so an edge
 * can be a few parts in 10^8 faster than its speed says. */
#define REACH_FACTOR 1.001

static px_bbox grow(const px_bbox *b, double d) { return (px_bbox){b->minx - d, b->miny - d, b->maxx + d, b->maxy + d}; }

static int boxes_meet(const px_bbox *a, double x0, double y0, double x1, double y1)
{
    return fmax(x0, x1) >= a->minx && fmin(x0, x1) <= a->maxx && fmax(y0, y1) >= a->miny && fmin(y0, y1) <= a->maxy;
}

px_status px__access_part_inputs(px_ctx *ctx, px_store *ro, const px__access_res *res, px_communes **com_out,
                                 px_points *orig, px_points *svc, px_graph **g_out, px_access_report *rep)
{
    const px_access_options *o = &res->o;
    px_communes *com = NULL;
    px_layer_part part = {0};
    px_points all = {0};
    px_graph *g = NULL;
    /* The categories of the whole layer (not of what lies near the part):
     * every part writes the same columns; an unknown one is PX_EARG first. */
    px_status rc = px_layer_services_read_in(ctx, ro, o->layers, o->categories, NULL, &(px_bbox){0, 0, -1, -1}, svc);
    if (rc != PX_OK) return rc;
    px_layer_points_free(svc);
    if (!px_store_has_table(ro, "net_nodes") || !px_store_has_table(ro, "net_edges"))
        return px__error(ctx, PX_ENOTFOUND, "%s: no network: run `proxima network` first", px_store_path(ro));
    rc = px_layer_communes_read(ctx, ro, 0, &com);
    if (rc == PX_OK) rc = px_layer_partition(ctx, ro, com, o->origins, o->part_k, o->part_n, &part);
    double mps[PX_MODE_COUNT] = {0}, vmax = 0;
    if (rc == PX_OK) rc = px__net_max_speed(ctx, ro, mps);
    if (rc != PX_OK) goto done;
    for (int m = 0; m < PX_MODE_COUNT; m++)
        if (res->modes[m] && mps[m] > vmax) vmax = mps[m];
    double reach = REACH_FACTOR * vmax * o->cutoff_minutes * 60.0, snap = o->max_snap_m;
    rep->part.k = o->part_k;
    rep->part.n = o->part_n;
    rep->part.communes = (int64_t)part.n_communes;
    rep->part.reach_m = reach;
    rep->part.buffer_m = reach + 3 * snap;
    /* A part that owns nothing (more parts than communes) reads nothing. */
    px_bbox area = part.has_area ? part.area : (px_bbox){0, 0, -1, -1};
    px_bbox dbox, ebox;
    rc = px_layer_population_read_in(ctx, ro, o->origins, com, 0, &area, &all);
    if (rc != PX_OK) goto done;
    rep->part.origins_read = (int64_t)all.n;
    /* Keep the origins the part owns, in fid order (as a whole run has them). */
    size_t k = 0;
    for (size_t i = 0; i < all.n; i++) {
        if (!px_layer_part_owns(&part, all.commune[i], all.x[i], all.y[i])) continue;
        all.fid[k] = all.fid[i];
        all.x[k] = all.x[i];
        all.y[k] = all.y[i];
        all.weight[k] = all.weight[i];
        all.commune[k] = all.commune[i];
        k++;
    }
    for (size_t i = 0; i < all.n; i++) free(all.id[i]), all.id[i] = NULL;
    all.n = k;
    rep->part.origins_in_part = (int64_t)k;
    /* From here on, the part is the box of the origins it owns: every read
     * below is around them, and nothing is read for a part without any. */
    area = (px_bbox){0, 0, -1, -1};
    for (size_t i = 0; i < k; i++) {
        if (i == 0) area = (px_bbox){all.x[i], all.y[i], all.x[i], all.y[i]};
        area.minx = fmin(area.minx, all.x[i]), area.maxx = fmax(area.maxx, all.x[i]);
        area.miny = fmin(area.miny, all.y[i]), area.maxy = fmax(area.maxy, all.y[i]);
    }
    dbox = k ? grow(&area, reach + 2 * snap) : area;
    ebox = k ? grow(&area, reach + 3 * snap) : area;
    rc = px_layer_services_read_in(ctx, ro, o->layers, o->categories, NULL, &dbox, svc);
    if (rc != PX_OK) goto done;
    rep->part.destinations_read = (int64_t)svc->n;
    for (size_t i = 0; i < svc->n; i++) rep->part.destinations_in_part += px_bbox_has(&area, svc->x[i], svc->y[i]);
    unsigned parts = PX__INDEX_GRID;
    for (int m = 0; m < PX_MODE_COUNT; m++)
        if (res->modes[m]) parts |= PX__INDEX_CSR((px_mode)m, PX_DIR_TO_SOURCES);
    rc = px__graph_load_box(ctx, ro, &ebox, parts, &g, &rep->part.edges_total);
    if (rc != PX_OK) goto done;
    rep->part.edges_read = g->n_edges;
    for (int32_t e = 0; e < g->n_edges; e++) {
        const double *a = &g->xy[2 * g->efrom[e]], *b = &g->xy[2 * g->eto[e]];
        rep->part.edges_in_part += boxes_meet(&area, a[0], a[1], b[0], b[1]);
    }
    px__log(ctx, PX_LOG_INFO,
            "access: part %d/%d: %zu communes, %zu origins of %lld read, reach %.0f m, buffer %.0f m, %lld "
            "destinations read (%lld in the part's box), %lld edges read (%lld meet the part's box) of %lld",
            o->part_k, o->part_n, part.n_communes, all.n, (long long)rep->part.origins_read, reach, rep->part.buffer_m,
            (long long)rep->part.destinations_read, (long long)rep->part.destinations_in_part, (long long)rep->part.edges_read,
            (long long)rep->part.edges_in_part, (long long)rep->part.edges_total);
done:
    px_layer_part_free(&part);
    if (rc != PX_OK) {
        px_layer_points_free(&all);
        px_layer_points_free(svc);
        px_layer_communes_free(com);
        px_graph_free(g);
        return rc;
    }
    *orig = all;
    *com_out = com;
    *g_out = g;
    return PX_OK;
}

/* ---- writing --------------------------------------------------------------- */

static void part_table(char *buf, size_t n, int k, int parts) { px__part_table(buf, n, "access", k, parts); }

void px__part_table(char *buf, size_t n, const char *analysis, int k, int parts)
{
    snprintf(buf, n, "%s_part_%d_of_%d", analysis, k, parts);
}

/* The note of a part table: "part K/N of proxima ANALYSIS; SIGNATURE". */
static const char *note_signature(const char *note)
{
    const char *p = note ? strstr(note, "; ") : NULL;
    return p ? p + 2 : NULL;
}

px_status px__part_scan(px_store *store, const char *analysis, int n, const char *sig, px_part_stats *st,
                        int64_t *n_rows)
{
    size_t nm = 0;
    st->parts_present = 0;
    st->parts_missing[0] = 0;
    *n_rows = 0;
    for (int part = 1; part <= n; part++) {
        char t[64];
        px__part_table(t, sizeof t, analysis, part, n);
        px_table_info *info = NULL;
        int ok = px_store_table_info(store, t, &info) == PX_OK;
        const char *s = ok ? note_signature(info->note) : NULL;
        if (s && !strcmp(s, sig)) {
            st->parts_present++;
            *n_rows += info->n_rows;
        } else if (nm < sizeof st->parts_missing - 8) {
            nm += (size_t)snprintf(st->parts_missing + nm, sizeof st->parts_missing - nm, "%s%d", nm ? "," : "", part);
        } else if (!strstr(st->parts_missing, "...")) {
            snprintf(st->parts_missing + nm, sizeof st->parts_missing - nm, ",...");
        }
        px_table_info_free(info, 1);
    }
    return PX_OK;
}

px_status px__part_begin(px_ctx *ctx, px_store *store)
{
    /* Each try waits the store's busy timeout for the lock: parts finishing
     * together queue for a few seconds each, and a large part's write may
     * take longer than one timeout. */
    px_status rc = PX_OK;
    for (int t = 0; t < PX__PART_LOCK_TRIES; t++) {
        rc = px_store_begin(store);
        if (rc != PX_EIO || !strstr(px_ctx_errmsg(ctx), "busy")) break;
        px__log(ctx, PX_LOG_INFO, "%s: another part is writing; waiting for the project", px_store_path(store));
    }
    return rc;
}

px_status px__part_drop_others(px_store *store, const char *analysis, int n)
{
    px_table_info *t = NULL;
    size_t nt = 0;
    px_status rc = px_store_tables(store, &t, &nt);
    if (rc != PX_OK) return rc;
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s_part_", analysis);
    for (size_t i = 0; rc == PX_OK && i < nt; i++) {
        int k = 0, m = 0, used = 0;
        if (strncmp(t[i].name, prefix, strlen(prefix))) continue;
        if (sscanf(t[i].name + strlen(prefix), "%d_of_%d%n", &k, &m, &used) != 2 || m == n) continue;
        const char *rest = t[i].name + strlen(prefix) + used;
        if (*rest && strcmp(rest, "_supplies")) continue;
        rc = px_store_drop_table(store, t[i].name);
    }
    px_table_info_free(t, nt);
    return rc;
}

char *px__part_inputs_sig(px_ctx *ctx, px_store *ro, const char *options, const char *const *inputs)
{
    char buf[4096];
    size_t n = (size_t)snprintf(buf, sizeof buf, "%s", options);
    for (size_t i = 0; inputs[i] && n < sizeof buf; i++) {
        px_table_info *info = NULL;
        int64_t rev = -1;
        if (px_store_table_info(ro, inputs[i], &info) == PX_OK) rev = info->revision;
        px_table_info_free(info, 1);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s %s@%lld", i ? "," : "; inputs", inputs[i], (long long)rev);
    }
    char *s = px__strdup(buf);
    if (!s) px__error(ctx, PX_ENOMEM, "out of memory");
    return s;
}

/* What must be equal for parts to be merged: the options that shape the
 * rows and the revisions of the inputs they were computed from. */
static char *signature(px_ctx *ctx, px_store *ro, const px__access_res *res, const px__dests *dests)
{
    const px_access_options *o = &res->o;
    char buf[3072];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "modes %u, threshold %.17g, cutoff %.17g, nth %d, snap %.17g, origins %s, categories",
                          o->modes, o->minutes, o->cutoff_minutes, o->nth, o->max_snap_m, o->origins);
    for (size_t c = 0; c < dests->n_cat && n < sizeof buf; c++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " %s", dests->cat[c]);
    const char *inputs[8] = {"communes", o->origins, "net_edges", "net_nodes", NULL};
    size_t ni = 4;
    for (const char *const *l = o->layers ? o->layers : (const char *const[]){"services", NULL}; *l && ni < 7; l++)
        inputs[ni++] = *l;
    inputs[ni] = NULL;
    return px__part_inputs_sig(ctx, ro, buf, inputs);
}

typedef struct merged {
    px_points orig;
    px__access_res res;
} merged;

static void merged_free(merged *m)
{
    px_layer_points_free(&m->orig);
    for (int k = 0; k < PX_MODE_COUNT; k++) {
        free(m->res.min[k]);
        free(m->res.nth[k]);
        free(m->res.snap_m[k]);
    }
}

typedef struct fid_ix {
    int64_t fid;
    size_t at;
} fid_ix;

static int fid_ix_cmp(const void *a, const void *b)
{
    const fid_ix *p = a, *q = b;
    return p->fid < q->fid ? -1 : p->fid > q->fid;
}

static double real_or_nan(const px_table_reader *r, int i)
{
    return i < 0 || px_table_reader_is_null(r, (size_t)i) ? NAN : px_table_reader_real(r, (size_t)i);
}

/* Every part's rows, back in the whole run's order (population fid). */
static px_status merge_rows(px_ctx *ctx, px_store *store, const px__access_res *res, const px__dests *dests,
                            const px_communes *com, int64_t n_rows, merged *out)
{
    const px_access_options *o = &res->o;
    size_t n = (size_t)n_rows, nc = dests->n_cat, at = 0;
    merged m = {.res = *res};
    for (int k = 0; k < PX_MODE_COUNT; k++) m.res.min[k] = m.res.nth[k] = m.res.snap_m[k] = NULL;
    m.res.n_orig = n;
    px_points *p = &m.orig;
    size_t cap = n ? n : 1;
    p->fid = malloc(cap * sizeof *p->fid);
    p->x = malloc(cap * sizeof *p->x);
    p->y = malloc(cap * sizeof *p->y);
    p->weight = malloc(cap * sizeof *p->weight);
    p->commune = malloc(cap * sizeof *p->commune);
    p->id = calloc(cap, sizeof *p->id);
    /* Rows land in part order first, then are permuted into fid order. */
    float *min[PX_MODE_COUNT] = {0}, *nth[PX_MODE_COUNT] = {0}, *snap[PX_MODE_COUNT] = {0};
    fid_ix *ix = malloc(cap * sizeof *ix);
    int oom = !p->fid || !p->x || !p->y || !p->weight || !p->commune || !p->id || !ix;
    for (int k = 0; k < PX_MODE_COUNT && !oom; k++) {
        if (!res->modes[k]) continue;
        min[k] = malloc(cap * (nc ? nc : 1) * sizeof(float));
        m.res.min[k] = malloc(cap * (nc ? nc : 1) * sizeof(float));
        snap[k] = malloc(cap * sizeof(float));
        m.res.snap_m[k] = malloc(cap * sizeof(float));
        if (o->nth > 1) {
            nth[k] = malloc(cap * (nc ? nc : 1) * sizeof(float));
            m.res.nth[k] = malloc(cap * (nc ? nc : 1) * sizeof(float));
        }
        oom |= !min[k] || !m.res.min[k] || !snap[k] || !m.res.snap_m[k] || (o->nth > 1 && (!nth[k] || !m.res.nth[k]));
    }
    px_status rc = oom ? px__error(ctx, PX_ENOMEM, "out of memory (%zu origins)", n) : PX_OK;
    int *col_min = malloc((PX_MODE_COUNT * (nc ? nc : 1)) * sizeof *col_min);
    int *col_nth = malloc((PX_MODE_COUNT * (nc ? nc : 1)) * sizeof *col_nth);
    if (rc == PX_OK && (!col_min || !col_nth)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    px_table_reader *r = NULL;
    char table[64], name[128];
    for (int part = 1; rc == PX_OK && part <= o->part_n; part++) {
        part_table(table, sizeof table, part, o->part_n);
        if ((rc = px_store_reader_open(store, table, NULL, 1, NULL, &r)) != PX_OK) break;
        int c_fid = px_table_reader_column_index(r, "population_fid"), c_count = px_table_reader_column_index(r, "count");
        int c_ix = px_table_reader_column_index(r, PX__ACCESS_IX_COL), c_snap[PX_MODE_COUNT];
        for (int k = 0; k < PX_MODE_COUNT; k++) {
            c_snap[k] = -1;
            if (!res->modes[k]) continue;
            const char *mn = px_mode_name((px_mode)k);
            snprintf(name, sizeof name, "%s_snap_m", mn);
            c_snap[k] = px_table_reader_column_index(r, name);
            for (size_t c = 0; c < nc; c++) {
                snprintf(name, sizeof name, "%s_%s_min", mn, dests->col[c]);
                col_min[k * nc + c] = px_table_reader_column_index(r, name);
                snprintf(name, sizeof name, "%s_%s_n%d_min", mn, dests->col[c], o->nth);
                col_nth[k * nc + c] = o->nth > 1 ? px_table_reader_column_index(r, name) : -1;
                if (col_min[k * nc + c] < 0 || (o->nth > 1 && col_nth[k * nc + c] < 0)) c_fid = -1;
            }
        }
        if (c_fid < 0 || c_count < 0 || c_ix < 0) {
            rc = px__error(ctx, PX_EDOMAIN, "%s: %s: not the columns of this run", px_store_path(store), table);
            break;
        }
        int has = 0;
        while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
            if (at >= n) {
                rc = px__error(ctx, PX_EDOMAIN, "%s: the parts changed while being merged", px_store_path(store));
                break;
            }
            size_t len = 0;
            const unsigned char *wkb = px_table_reader_wkb(r, &len);
            if (!wkb || (rc = px_layer_point_of(ctx, wkb, len, &p->x[at], &p->y[at])) != PX_OK) {
                rc = px__error(ctx, PX_EDOMAIN, "%s:%s:%lld: no point", px_store_path(store), table,
                               (long long)px_table_reader_fid(r));
                break;
            }
            p->fid[at] = px_table_reader_int(r, (size_t)c_fid);
            p->weight[at] = px_table_reader_real(r, (size_t)c_count);
            int64_t ci = px_table_reader_is_null(r, (size_t)c_ix) ? -1 : px_table_reader_int(r, (size_t)c_ix);
            p->commune[at] = ci >= 0 && (size_t)ci < com->n ? (int32_t)ci : -1;
            for (int k = 0; k < PX_MODE_COUNT; k++) {
                if (!res->modes[k]) continue;
                snap[k][at] = (float)real_or_nan(r, c_snap[k]);
                for (size_t c = 0; c < nc; c++) {
                    min[k][c * n + at] = (float)real_or_nan(r, col_min[k * nc + c]);
                    if (nth[k]) nth[k][c * n + at] = (float)real_or_nan(r, col_nth[k * nc + c]);
                }
            }
            ix[at] = (fid_ix){p->fid[at], at};
            at++;
        }
        px_table_reader_close(r);
        r = NULL;
    }
    if (rc == PX_OK && at != n)
        rc = px__error(ctx, PX_EDOMAIN, "%s: the parts changed while being merged", px_store_path(store));
    if (rc == PX_OK) {
        qsort(ix, n, sizeof *ix, fid_ix_cmp);
        for (size_t i = 1; i < n && rc == PX_OK; i++)
            if (ix[i].fid == ix[i - 1].fid)
                rc = px__error(ctx, PX_EDOMAIN, "%s: origin %lld is in two parts: run every part again",
                               px_store_path(store), (long long)ix[i].fid);
    }
    if (rc == PX_OK) {
        /* Permute the per-origin arrays into fid order. */
        double *tx = malloc(cap * sizeof *tx), *ty = malloc(cap * sizeof *ty), *tw = malloc(cap * sizeof *tw);
        int32_t *tc = malloc(cap * sizeof *tc);
        if (!tx || !ty || !tw || !tc) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; rc == PX_OK && i < n; i++) {
            size_t s = ix[i].at;
            tx[i] = p->x[s], ty[i] = p->y[s], tw[i] = p->weight[s], tc[i] = p->commune[s];
            for (int k = 0; k < PX_MODE_COUNT; k++) {
                if (!res->modes[k]) continue;
                m.res.snap_m[k][i] = snap[k][s];
                for (size_t c = 0; c < nc; c++) {
                    m.res.min[k][c * n + i] = min[k][c * n + s];
                    if (nth[k]) m.res.nth[k][c * n + i] = nth[k][c * n + s];
                }
            }
        }
        if (rc == PX_OK) {
            for (size_t i = 0; i < n; i++) p->fid[i] = ix[i].fid;
            memcpy(p->x, tx, n * sizeof *tx);
            memcpy(p->y, ty, n * sizeof *ty);
            memcpy(p->weight, tw, n * sizeof *tw);
            memcpy(p->commune, tc, n * sizeof *tc);
            p->n = n;
        }
        free(tx);
        free(ty);
        free(tw);
        free(tc);
    }
    px_table_reader_close(r);
    for (int k = 0; k < PX_MODE_COUNT; k++) {
        free(min[k]);
        free(nth[k]);
        free(snap[k]);
    }
    free(ix);
    free(col_min);
    free(col_nth);
    if (rc != PX_OK) {
        p->n = at > n ? n : at;
        merged_free(&m);
        return rc;
    }
    *out = m;
    return PX_OK;
}

px_status px__access_part_write(px_ctx *ctx, px_store *store, px_store *ro, const px_points *orig,
                                const px_communes *com, const px__dests *dests, const px__access_res *res,
                                px_access_report *rep)
{
    const px_access_options *o = &res->o;
    char table[64];
    part_table(table, sizeof table, o->part_k, o->part_n);
    char *sig = signature(ctx, ro, res, dests);
    if (!sig) return PX_ENOMEM;
    char *note = px__asprintf("part %d/%d of proxima access; %s", o->part_k, o->part_n, sig);
    px_status rc = note ? px__part_begin(ctx, store) : px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) rc = px__access_write_origins(ctx, store, table, 1, orig, com, dests, res);
    if (rc == PX_OK) rc = px_store_set_source(store, table, "proxima access", o->origins, NULL, note);
    /* Which parts of this split are there, computed with these options and inputs? */
    int64_t n_rows = 0;
    if (rc == PX_OK) rc = px__part_scan(store, "access", o->part_n, sig, &rep->part, &n_rows);
    int present = rep->part.parts_present;
    rep->part.merged = 0;
    if (rc == PX_OK && present == o->part_n) {
        merged m = {0};
        rc = merge_rows(ctx, store, res, dests, com, n_rows, &m);
        char extra[96];
        snprintf(extra, sizeof extra, "; merged from %d parts", o->part_n);
        if (rc == PX_OK) {
            px_access_report whole = *rep;
            rc = px__access_write_tables(ctx, store, &m.orig, com, dests, &m.res, &whole, extra);
            if (rc == PX_OK) rc = px__part_drop_others(store, "access", o->part_n);
            if (rc == PX_OK) memcpy(rep->share_all, whole.share_all, sizeof rep->share_all);
            rep->part.merged = rc == PX_OK;
        }
        merged_free(&m);
    } else if (rc == PX_OK) {
        /* No table of the region until every part is in: a partial one
         * would read as complete. */
        rc = px_store_drop_table(store, "access_origins");
        if (rc == PX_OK) rc = px_store_drop_table(store, "access_communes");
        for (int k = 0; k < PX_MODE_COUNT; k++) rep->share_all[k] = NAN;
    }
    if (rc == PX_OK) rc = px_store_commit(store);
    else px_store_rollback(store);
    free(note);
    free(sig);
    return rc;
}
