/*
 * Raw criterion values of brownfield sites, computed from the project: the
 * inventory's own columns and `props` attributes, areas, flood shares,
 * straight-line distances to cycle routes and transit stops, network
 * minutes to each service category from the site's access point, and the
 * equity deficit of the site's commune, the residents a public service on
 * the site would bring within reach (site-services). Each source is only touched when a
 * scenario criterion asks for it. Scoring is bf_score.c; writing bf_write.c.
 */
#include "bf_run_int.h"
#include "flood_int.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void px__bf_sites_free(px__bf_sites *s)
{
    if (!s || !s->ctx) return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->id[i]);
        free(s->name[i]);
        free(s->wkb[i]);
        for (size_t c = 0; c < s->nc; c++)
            free(s->txt[i * s->nc + c]);
    }
    free(s->fid);
    free(s->id);
    free(s->name);
    free(s->wkb);
    free(s->wkb_len);
    free(s->x);
    free(s->y);
    free(s->num);
    free(s->txt);
    memset(s, 0, sizeof *s);
}

static int starts(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p));
}

/* Set criterion c of site i from a text value (numbers parsed for numeric
 * criteria; an unparsable number stays unfilled). */
static px_status set_text(px__bf_sites *s, const px_bf_scenario *sc, size_t i, size_t c, const char *t)
{
    if (!t) return PX_OK;
    if (px_bf_scenario_criterion_is_text(sc, c)) {
        free(s->txt[i * s->nc + c]);
        s->txt[i * s->nc + c] = px__strdup(t);
        return s->txt[i * s->nc + c] ? PX_OK : px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    char *end = NULL;
    double v = strtod(t, &end);
    if (end != t && *end == '\0' && isfinite(v)) s->num[i * s->nc + c] = v;
    return PX_OK;
}

static px_status set_json(px__bf_sites *s, const px_bf_scenario *sc, size_t i, size_t c, const json_t *v)
{
    char buf[64];
    if (json_is_string(v)) return set_text(s, sc, i, c, json_string_value(v));
    if (json_is_number(v)) {
        snprintf(buf, sizeof buf, "%.17g", json_number_value(v));
        return set_text(s, sc, i, c, buf);
    }
    if (json_is_boolean(v)) return set_text(s, sc, i, c, json_is_true(v) ? "true" : "false");
    return PX_OK;
}

/* The inventory: ids, names, geometries, representative points, and the
 * criteria read from columns or props. */
static px_status read_sites(px_ctx *ctx, px_store *store, const px_bf_scenario *sc, px__bf_sites *s)
{
    int64_t count = 0;
    px_status rc = px_store_count(store, "brownfields", &count);
    if (rc != PX_OK) return rc;
    size_t n1 = count > 0 ? (size_t)count : 1, nc = px_bf_scenario_n_criteria(sc);
    *s = (px__bf_sites){.ctx = ctx, .nc = nc};
    s->fid = calloc(n1, sizeof *s->fid);
    s->id = calloc(n1, sizeof *s->id);
    s->name = calloc(n1, sizeof *s->name);
    s->wkb = calloc(n1, sizeof *s->wkb);
    s->wkb_len = calloc(n1, sizeof *s->wkb_len);
    s->x = calloc(n1, sizeof *s->x);
    s->y = calloc(n1, sizeof *s->y);
    s->num = malloc(n1 * (nc ? nc : 1) * sizeof *s->num);
    s->txt = calloc(n1 * (nc ? nc : 1), sizeof *s->txt);
    if (!s->fid || !s->id || !s->name || !s->wkb || !s->wkb_len || !s->x || !s->y || !s->num || !s->txt)
        return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t k = 0; k < n1 * nc; k++)
        s->num[k] = NAN;
    px_table_reader *r = NULL;
    rc = px_store_reader_open(store, "brownfields", NULL, 1, NULL, &r);
    int has = 0, i_id = r ? px_table_reader_column_index(r, "id") : -1;
    int i_name = r ? px_table_reader_column_index(r, "name") : -1,
        i_props = r ? px_table_reader_column_index(r, "props") : -1;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has && s->n < (size_t)count) {
        size_t len = 0, i = s->n;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb || px_layer_point_of(ctx, wkb, len, &s->x[i], &s->y[i]) != PX_OK) {
            px__log(ctx, PX_LOG_WARN, "brownfields:%lld: no usable geometry, site skipped",
                    (long long)px_table_reader_fid(r));
            continue;
        }
        s->fid[i] = px_table_reader_fid(r);
        const char *id = i_id >= 0 ? px_table_reader_text(r, (size_t)i_id) : NULL;
        const char *name = i_name >= 0 ? px_table_reader_text(r, (size_t)i_name) : NULL;
        char fidtxt[32];
        snprintf(fidtxt, sizeof fidtxt, "%lld", (long long)s->fid[i]);
        s->id[i] = px__strdup(id ? id : fidtxt);
        s->name[i] = px__strdup(name ? name : "");
        s->wkb[i] = malloc(len);
        s->n++;
        if (!s->id[i] || !s->name[i] || !s->wkb[i]) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
        memcpy(s->wkb[i], wkb, len);
        s->wkb_len[i] = len;
        const char *props = i_props >= 0 ? px_table_reader_text(r, (size_t)i_props) : NULL;
        json_t *root = props ? json_loads(props, 0, NULL) : NULL;
        for (size_t c = 0; c < nc && rc == PX_OK; c++) {
            const char *cid = px_bf_scenario_criterion(sc, c);
            int col = px_table_reader_column_index(r, cid);
            if (starts(cid, "props.") && root) {
                rc = set_json(s, sc, i, c, json_object_get(root, cid + 6));
            } else if (col >= 0 && strcmp(cid, "area_m2") != 0 && !px_table_reader_is_null(r, (size_t)col)) {
                if (px_table_reader_column_type(r, (size_t)col) == PX_COL_TEXT)
                    rc = set_text(s, sc, i, c, px_table_reader_text(r, (size_t)col));
                else if (!px_bf_scenario_criterion_is_text(sc, c))
                    s->num[i * nc + c] = px_table_reader_real(r, (size_t)col);
            } else if (!strcmp(cid, "area_m2") && col >= 0 && !px_table_reader_is_null(r, (size_t)col) &&
                       px_table_reader_real(r, (size_t)col) > 0) {
                s->num[i * nc + c] = px_table_reader_real(r, (size_t)col);
            }
        }
        json_decref(root);
    }
    px_table_reader_close(r);
    return rc;
}

static int crit(const px_bf_scenario *sc, const char *id)
{
    return px__bf_criterion_index(sc, id);
}

/* Areas missing from the inventory, and flood shares. */
static px_status geometry_criteria(px_ctx *ctx, px_store *store, const px_bf_scenario *sc, px__bf_sites *s)
{
    GEOSContextHandle_t h = px__geos(ctx);
    int ca = crit(sc, "area_m2");
    for (size_t i = 0; ca >= 0 && i < s->n; i++) {
        if (!isnan(s->num[i * s->nc + (size_t)ca])) continue;
        GEOSGeometry *g = px__geom_from_wkb(ctx, s->wkb[i], s->wkb_len[i]);
        double a = 0;
        if (g && GEOSArea_r(h, g, &a) == 1) s->num[i * s->nc + (size_t)ca] = a;
        if (g) GEOSGeom_destroy_r(h, g);
    }
    int cf[PX_HAZARD_COUNT + 1], any = 0;
    for (int k = 0; k <= PX_HAZARD_ANY; k++) {
        char id[48];
        snprintf(id, sizeof id, "flood_share_%s", px_hazard_name(k));
        cf[k] = crit(sc, id);
        any |= cf[k] >= 0;
    }
    if (!any || !px_store_has_table(store, "flood_zones")) return PX_OK;
    px_flood_zones *z = NULL;
    px_status rc = px_flood_zones_load(ctx, store, &z, NULL);
    for (size_t i = 0; rc == PX_OK && i < s->n; i++) {
        double area = 0, sh[PX_HAZARD_COUNT + 1];
        rc = px_flood_polygon_shares(ctx, z, s->wkb[i], s->wkb_len[i], &area, sh);
        for (int k = 0; rc == PX_OK && k <= PX_HAZARD_ANY; k++)
            if (cf[k] >= 0) s->num[i * s->nc + (size_t)cf[k]] = sh[k];
    }
    px_flood_zones_free(z);
    return rc;
}

static int nearest_cb(const void *item1, const void *item2, double *distance, void *user)
{
    return GEOSDistance_r((GEOSContextHandle_t)user, item1, item2, distance);
}

/* Straight-line distance from each site to the nearest geometry of `table`
 * (rows whose `cat_col` equals `cat` when given). */
static px_status nearest_distance(px_ctx *ctx, px_store *store, const char *table, const char *cat_col,
                                  const char *cat, px__bf_sites *s, size_t c)
{
    if (!px_store_has_table(store, table)) return PX_OK;
    GEOSContextHandle_t h = px__geos(ctx);
    const char *cols[2] = {cat_col, NULL};
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, table, cat_col ? cols : NULL, 1, NULL, &r);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    GEOSGeometry **gs = NULL;
    size_t ng = 0, cap = 0;
    int has = 0;
    while (rc == PX_OK && tree && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        const char *v = cat_col ? px_table_reader_text(r, 0) : NULL;
        if (cat_col && (!v || strcmp(v, cat))) continue;
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        GEOSGeometry *g = wkb ? px__geom_from_wkb(ctx, wkb, len) : NULL;
        if (!g) continue;
        if (ng == cap) {
            cap = cap ? 2 * cap : 64;
            GEOSGeometry **n2 = realloc(gs, cap * sizeof *n2);
            if (!n2) {
                GEOSGeom_destroy_r(h, g);
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
            gs = n2;
        }
        gs[ng++] = g;
        GEOSSTRtree_insert_r(h, tree, g, g);
    }
    px_table_reader_close(r);
    if (!tree && rc == PX_OK) rc = px__error(ctx, PX_EGEOS, "%s: cannot build an index", table);
    for (size_t i = 0; rc == PX_OK && ng && i < s->n; i++) {
        GEOSGeometry *site = px__geom_from_wkb(ctx, s->wkb[i], s->wkb_len[i]);
        if (!site) continue;
        const GEOSGeometry *best = GEOSSTRtree_nearest_generic_r(h, tree, site, site, nearest_cb, h);
        double d = 0;
        if (best && GEOSDistance_r(h, site, best, &d) == 1) s->num[i * s->nc + c] = d;
        GEOSGeom_destroy_r(h, site);
    }
    if (tree) GEOSSTRtree_destroy_r(h, tree);
    for (size_t k = 0; k < ng; k++)
        GEOSGeom_destroy_r(h, gs[k]);
    free(gs);
    return rc;
}

/* Network minutes per mode and category, and the quarter-hour scores. */
static px_status network_criteria(px_ctx *ctx, px_store *store, const px_graph *g, const px_bf_scenario *sc,
                                  const px__bf_resolved *o, px__bf_sites *s, px_bf_report *rep)
{
    if (!g || !px_store_has_table(store, "services")) return PX_OK;
    px_points svc = {0};
    size_t nn = px_graph_n_nodes(g);
    px_status rc = px_layer_services_read(ctx, store, NULL, NULL, NULL, &svc);
    char **cats = svc.cats;
    size_t ncat = svc.n_cat;
    double *cost = malloc((nn ? nn : 1) * sizeof *cost);
    px_snap *src = malloc((svc.n ? svc.n : 1) * sizeof *src), *at = malloc((s->n ? s->n : 1) * sizeof *at);
    uint8_t *ok = malloc(s->n ? s->n : 1);
    size_t *within = calloc(s->n ? s->n : 1, sizeof *within);
    if (rc == PX_OK && (!cost || !src || !at || !ok || !within))
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
    for (int m = 0; rc == PX_OK && m < PX_MODE_COUNT; m++) {
        char id[128];
        snprintf(id, sizeof id, "qh_score_%s", px_mode_name((px_mode)m));
        int cq = crit(sc, id), need = cq >= 0;
        for (size_t k = 0; k < ncat && !need; k++) {
            snprintf(id, sizeof id, "%s_min_%s", px_mode_name((px_mode)m), cats[k]);
            need = crit(sc, id) >= 0;
        }
        if (!need) continue;
        size_t n_off = 0;
        for (size_t i = 0; i < s->n; i++) {
            ok[i] = px_graph_snap(NULL, g, (px_mode)m, s->x[i], s->y[i], o->snap_max_m, &at[i]) == PX_OK;
            n_off += !ok[i];
            within[i] = 0;
        }
        if (n_off > rep->n_unsnapped) rep->n_unsnapped = n_off;
        for (size_t k = 0; rc == PX_OK && k < ncat; k++) {
            size_t ns = 0;
            for (size_t j = 0; j < svc.n; j++)
                if (svc.cat[j] == (int32_t)k &&
                    px_graph_snap(NULL, g, (px_mode)m, svc.x[j], svc.y[j], o->snap_max_m, &src[ns]) == PX_OK)
                    ns++;
            px_snap_sort(src, NULL, ns);
            double cutoff = 60.0 * o->max_minutes;
            if (px_graph_search(g, (px_mode)m, PX_DIR_TO_SOURCES, src, ns, cutoff, NULL, cost) != PX_OK) {
                rc = px__error(ctx, PX_EINVAL, "brownfields: network search failed");
                break;
            }
            snprintf(id, sizeof id, "%s_min_%s", px_mode_name((px_mode)m), cats[k]);
            int cm = crit(sc, id);
            if (cm < 0) {
                snprintf(id, sizeof id, "%s_min_%s", px_mode_name((px_mode)m), svc.cat_cols[k]);
                cm = crit(sc, id);
            }
            for (size_t i = 0; i < s->n; i++) {
                if (!ok[i]) continue;
                double t =
                    px_graph_cost_at(g, (px_mode)m, PX_DIR_TO_SOURCES, cost, src, ns, cutoff, NULL, &at[i]);
                if (px_layer_qh_within(t / 60.0, o->threshold_min)) within[i]++;
                /* Beyond the cutoff the time is known to be at least the
                 * cutoff: recorded as the cutoff, not left unfilled. */
                if (cm >= 0) s->num[i * s->nc + (size_t)cm] = isfinite(t) ? t / 60.0 : o->max_minutes;
            }
        }
        for (size_t i = 0; rc == PX_OK && cq >= 0 && ncat && i < s->n; i++)
            if (ok[i]) s->num[i * s->nc + (size_t)cq] = (double)within[i] / (double)ncat;
    }
    free(cost);
    free(src);
    free(at);
    free(ok);
    free(within);
    px_layer_points_free(&svc);
    return rc;
}

/* Commune equity deficit from equity_communes (walk, E2SFCA). */
static px_status equity_criterion(px_ctx *ctx, px_store *store, const px_bf_scenario *sc, px__bf_sites *s)
{
    int ce = crit(sc, "equity_deficit");
    if (ce < 0 || !px_store_has_table(store, "equity_communes") || !px_store_has_table(store, "communes"))
        return PX_OK;
    px_communes *com = NULL;
    px_status rc = px_layer_communes_read(ctx, store, 1, &com);
    if (rc != PX_OK) return rc;
    double *sum = calloc(com->n + 1, sizeof *sum), *cnt = calloc(com->n + 1, sizeof *cnt);
    if (rc == PX_OK && (!sum || !cnt)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    static const char *const cols[] = {"commune_id", "mode", "method", "ratio_to_regional", NULL};
    px_table_reader *r = NULL;
    if (rc == PX_OK) rc = px_store_reader_open(store, "equity_communes", cols, 0, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        const char *cid = px_table_reader_text(r, 0), *mode = px_table_reader_text(r, 1),
                   *meth = px_table_reader_text(r, 2);
        if (!cid || !mode || !meth || strcmp(mode, "walk") || strcmp(meth, "e2sfca")) continue;
        for (size_t k = 0; k < com->n; k++)
            if (!strcmp(com->id[k], cid)) {
                double ratio = px_table_reader_real(r, 3);
                sum[k] += ratio < 1 ? 1 - ratio : 0;
                cnt[k] += 1;
                break;
            }
    }
    px_table_reader_close(r);
    for (size_t i = 0; rc == PX_OK && i < s->n; i++) {
        int k = px_layer_communes_locate(com, s->x[i], s->y[i]);
        if (k >= 0 && cnt[k] > 0) s->num[i * s->nc + (size_t)ce] = sum[k] / cnt[k];
    }
    free(sum);
    free(cnt);
    px_layer_communes_free(com);
    return rc;
}

/* Residents a public service on the site would bring within the threshold:
 * the table services_site_gains written by `proxima site-services
 * --candidates-from brownfields` (candidate ids are the brownfields' fids).
 * `service_gain` takes it whatever its category, `service_gain_<category>`
 * only when it was computed for that category. */
static px_status service_gain_criterion(px_ctx *ctx, px_store *store, const px_bf_scenario *sc, px__bf_sites *s)
{
    int any = crit(sc, "service_gain");
    size_t nc = px_bf_scenario_n_criteria(sc);
    int specific = 0;
    for (size_t c = 0; c < nc; c++)
        specific |= starts(px_bf_scenario_criterion(sc, c), "service_gain_");
    if ((any < 0 && !specific) || !px_store_has_table(store, "services_site_gains")) return PX_OK;
    static const char *const cols[] = {"candidate_id", "layer", "category", "residents_gained", NULL};
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, "services_site_gains", cols, 0, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        const char *id = px_table_reader_text(r, 0), *layer = px_table_reader_text(r, 1),
                   *cat = px_table_reader_text(r, 2);
        if (!id || !layer || !cat || strcmp(layer, "brownfields")) continue;
        char *end = NULL;
        long long fid = strtoll(id, &end, 10);
        if (end == id || *end) continue;
        char cid[160];
        snprintf(cid, sizeof cid, "service_gain_%s", cat);
        int cs = crit(sc, cid);
        double g = px_table_reader_real(r, 3);
        for (size_t i = 0; i < s->n; i++)
            if (s->fid[i] == fid) {
                if (any >= 0) s->num[i * s->nc + (size_t)any] = g;
                if (cs >= 0) s->num[i * s->nc + (size_t)cs] = g;
                break;
            }
    }
    px_table_reader_close(r);
    (void)ctx;
    return rc;
}

px_status px__bf_sites_read(px_ctx *ctx, px_store *store, const px_graph *g, const px_bf_scenario *sc,
                            const px__bf_resolved *o, px__bf_sites *s, px_bf_report *rep)
{
    px_status rc = read_sites(ctx, store, sc, s);
    if (rc == PX_OK) rc = geometry_criteria(ctx, store, sc, s);
    int cc = crit(sc, "cycle_route_distance_m"), ct = crit(sc, "transit_distance_m");
    if (rc == PX_OK && cc >= 0) rc = nearest_distance(ctx, store, "cycle_routes", NULL, NULL, s, (size_t)cc);
    if (rc == PX_OK && ct >= 0)
        rc = nearest_distance(ctx, store, "services", "category", o->transit_category, s, (size_t)ct);
    if (rc == PX_OK) rc = network_criteria(ctx, store, g, sc, o, s, rep);
    if (rc == PX_OK) rc = equity_criterion(ctx, store, sc, s);
    if (rc == PX_OK) rc = service_gain_criterion(ctx, store, sc, s);
    return rc;
}
