/*
 * px_shared_services: candidate sites for a service shared by several
 * communes. Demand points are the residents plus one point per commune
 * centre (appended after the residents), so one catchment search per
 * candidate says both which centres reach it and how many residents do.
 * Left out: capacity and competition between shared sites.
 */
#include "svc_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    size_t cand;
    double residents, worst;
} row;

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->residents != y->residents) return x->residents > y->residents ? -1 : 1;
    if (x->worst != y->worst) return x->worst < y->worst ? -1 : 1;
    return x->cand < y->cand ? -1 : x->cand > y->cand;
}

static px_status write_rows(px_ctx *ctx, px_store *store, const row *rows, size_t n, const size_t *used,
                            const double *xy, char **ids, px_mode mode)
{
    static const px_column cols[] = {{"rank", PX_COL_INT},          {"candidate_id", PX_COL_TEXT},
                                     {"x", PX_COL_REAL},            {"y", PX_COL_REAL},
                                     {"residents_served", PX_COL_REAL}, {"worst_centre_min", PX_COL_REAL},
                                     {"mode", PX_COL_TEXT}};
    px_table_writer *w = NULL;
    px_table_schema schema = {"services_shared", "result", PX_GEOM_POINT, 7, cols};
    px_status rc = px_store_table_create(store, &schema, &w);
    for (size_t r = 0; rc == PX_OK && r < n; r++) {
        size_t c = used[rows[r].cand];
        double x = xy[2 * c], y = xy[2 * c + 1];
        size_t len = 0;
        unsigned char *wkb = NULL;
        if (rc == PX_OK) rc = px__point_wkb(ctx, x, y, &wkb, &len);
        px_value v[7] = {PX_VALUE_INT((int64_t)r + 1), PX_VALUE_TEXT(ids[c]),
                         PX_VALUE_REAL(x),           PX_VALUE_REAL(y),
                         PX_VALUE_REAL(rows[r].residents), PX_VALUE_REAL(rows[r].worst),
                         PX_VALUE_TEXT(px_mode_name(mode))};
        if (rc == PX_OK) rc = px_table_writer_add(w, v, wkb, len, NULL);
        px__wkb_free(ctx, wkb);
    }
    if (!w) return rc;
    if (rc == PX_OK) return px_table_writer_finish(w);
    px_table_writer_abort(w);
    return rc;
}

px_status px_shared_services(px_ctx *ctx, px_store *store, const px_shared_options *opts, px_shared_report *out)
{
    if (!ctx || !store || !opts) return px__error(ctx, PX_EINVAL, "px_shared_services: NULL argument");
    px_shared_options o = *opts;
    if (o.minutes == 0) o.minutes = 15;
    if (o.max_snap_m == 0) o.max_snap_m = PX_LAYER_SNAP_M;
    if (o.top == 0) o.top = 20;
    if (o.n_threads <= 0) o.n_threads = 2;
    if (!o.communes || o.n_communes == 0) return px__error(ctx, PX_EARG, "shared-services: give at least one commune");
    if (!(o.minutes > 0 && o.minutes <= 600) || !(o.max_snap_m > 0) || (unsigned)o.mode >= PX_MODE_COUNT)
        return px__error(ctx, PX_EINVAL, "shared-services: bad option (minutes, snapping distance or mode)");
    if (!o.candidates_layer == !(o.grid_m > 0))
        return px__error(ctx, PX_EINVAL, "shared-services: give one candidate source: a layer or a grid spacing");
    px__svc_run r = {.ctx = ctx, .store = store};
    size_t m = o.n_communes, n_cand = 0, n_used = 0, *used = NULL, *want = NULL;
    double *cxy = NULL;
    char **cids = NULL;
    px_snap *osnap = NULL, *csnap = NULL;
    uint8_t *ook = NULL, *in_set = NULL;
    row *rows = NULL;
    px__svc_csr csr = {0};
    px_shared_report rep = {0};
    px_status rc = px_layer_communes_read(ctx, store, 1, &r.com);
    want = calloc(m, sizeof *want);
    if (rc == PX_OK && !want) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t k = 0; rc == PX_OK && k < m; k++) {
        size_t c = 0;
        while (c < r.com->n && strcmp(r.com->id[c], o.communes[k])) c++;
        if (c == r.com->n)
            rc = px__error(ctx, PX_EARG, "shared-services: unknown commune '%s' (known: %s%s%s%s)", o.communes[k],
                           r.com->n ? r.com->id[0] : "", r.com->n > 1 ? ", " : "", r.com->n > 1 ? r.com->id[1] : "",
                           r.com->n > 2 ? ", ..." : "");
        want[k] = c;
    }
    if (rc == PX_OK) rc = px_graph_load(ctx, store, &r.g);
    if (rc == PX_OK) rc = px_layer_population_read(ctx, store, NULL, r.com, 0, &r.pop);
    if (rc == PX_OK) rc = px_layer_communes_centres(ctx, r.com, &r.pop);
    if (rc == PX_OK) rc = px__svc_candidates(ctx, store, o.candidates_layer, o.grid_m, &r.pop, &cxy, &cids, &n_cand);
    if (rc != PX_OK) goto done;
    size_t n = r.pop.n;
    osnap = malloc((n + m) * sizeof *osnap);
    ook = malloc(n + m);
    in_set = calloc(r.com->n + 1, 1);
    csnap = malloc((n_cand ? n_cand : 1) * sizeof *csnap);
    used = malloc((n_cand ? n_cand : 1) * sizeof *used);
    if (!osnap || !ook || !in_set || !csnap || !used) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    px__snap_points(r.g, o.mode, &r.pop, o.max_snap_m, osnap, ook, NULL);
    for (size_t k = 0; k < m; k++) {
        in_set[want[k]] = 1;
        ook[n + k] = px_graph_snap(NULL, r.g, o.mode, r.com->cx[want[k]], r.com->cy[want[k]], o.max_snap_m,
                                   &osnap[n + k]) == PX_OK;
        if (!ook[n + k]) osnap[n + k] = (px_snap){0, 0, 0};
    }
    for (size_t i = 0; i < n; i++)
        if (r.pop.commune[i] >= 0 && in_set[r.pop.commune[i]]) rep.residents += r.pop.weight[i];
    for (size_t c = 0; c < n_cand; c++)
        if (px_graph_snap(NULL, r.g, o.mode, cxy[2 * c], cxy[2 * c + 1], o.max_snap_m, &csnap[n_used]) == PX_OK)
            used[n_used++] = c;
    rc = px__svc_catchments(ctx, r.g, o.mode, osnap, ook, n + m, csnap, n_used, o.minutes * 60.0 * (1 + 1e-9),
                            o.n_threads, &csr);
    if (rc != PX_OK) goto done;
    rows = malloc((n_used ? n_used : 1) * sizeof *rows);
    if (!rows) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    size_t nr = 0;
    for (size_t j = 0; j < n_used; j++) {
        size_t reached = 0;
        double res = 0, worst = 0;
        for (size_t k = csr.off[j]; k < csr.off[j + 1]; k++) {
            uint32_t d = csr.dem[k];
            if (!px_layer_qh_within(csr.mins[k], o.minutes)) continue;
            if (d >= n) {
                reached++;
                worst = fmax(worst, csr.mins[k]);
            } else if (r.pop.commune[d] >= 0 && in_set[r.pop.commune[d]])
                res += r.pop.weight[d];
        }
        if (reached == m) rows[nr++] = (row){j, res, worst};
    }
    qsort(rows, nr, sizeof *rows, row_cmp);
    rep.n_serving = nr;
    rep.n_candidates = n_cand;
    rep.n_candidates_used = n_used;
    rc = write_rows(ctx, store, rows, nr < o.top ? nr : o.top, used, cxy, cids, o.mode);
    if (rc == PX_OK && out) *out = rep;
done:
    for (size_t i = 0; cids && i < n_cand; i++) free(cids[i]);
    free(cids);
    free(cxy);
    free(want);
    free(osnap);
    free(ook);
    free(in_set);
    free(csnap);
    free(used);
    free(rows);
    free(csr.off);
    free(csr.dem);
    free(csr.mins);
    px_layer_points_free(&r.pop);
    px_layer_communes_free(r.com);
    px_graph_free(r.g);
    return rc;
}
