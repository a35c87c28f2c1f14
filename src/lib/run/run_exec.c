/*
 * Executing one step of a run: each kind calls the library function the
 * matching CLI command calls (px_load, px_net_build, px_access_run, ...),
 * with the scenario's parameters. Deciding whether a step runs, timing it
 * and recording it is run.c's job; this file only does the work.
 */
#include "run_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static px_status exec_load(px_ctx *ctx, const px_scenario *sc, px_store *store)
{
    px_status rc = PX_OK;
    for (size_t i = 0; rc == PX_OK && i < sc->layers.n; i++) {
        px_layerdef *def = NULL;
        px_load_report *reps = NULL;
        size_t n = 0;
        rc = px_layerdef_read(ctx, sc->layers.v[i], &def);
        if (rc == PX_OK) rc = px_load(ctx, store, def, NULL, &reps, &n);
        for (size_t k = 0; rc == PX_OK && k < n; k++)
            px__log(ctx, PX_LOG_INFO, "load: %s: %lld loaded, %lld repaired, %lld rejected", reps[k].layer,
                    (long long)reps[k].n_loaded, (long long)reps[k].n_repaired,
                    (long long)reps[k].n_rejected);
        free(reps);
        px_layerdef_free(def);
    }
    return rc;
}

static px_status exec_iso(px_ctx *ctx, const px_scenario *sc, const px__step *st, px_store *store)
{
    const px__sc_iso *iso = &sc->iso[st->index_in_kind];
    px_iso_options o = {.mode = iso->mode,
                        .minutes = iso->minutes,
                        .n_minutes = iso->n_minutes,
                        .buffer_m = iso->buffer_m,
                        .max_snap_m = iso->snap_m,
                        .table = iso->table,
                        .commune_centres = 1};
    return px_isochrones(ctx, store, NULL, 0, &o);
}

/* Run an analysis that takes a loaded graph. */
static px_status exec_with_graph(px_ctx *ctx, const px_scenario *sc, const px__step *st, px_store *store)
{
    px_graph *g = NULL;
    px_status rc = px_graph_load(ctx, store, &g);
    if (rc != PX_OK) return rc;
    if (st->kind == PX__STEP_EQUITY) {
        px_equity_report r;
        rc = px_equity_run(ctx, store, g, &sc->equity, &r);
    } else if (st->kind == PX__STEP_FLOOD) {
        px_flood_report r;
        rc = px_flood_run(ctx, store, g, &sc->flood, &r);
    } else {
        px_bf_scenario *bf = NULL;
        px_bf_report r;
        rc = px_bf_scenario_read(ctx, sc->bf_scenario, &bf);
        if (rc == PX_OK) rc = px_brownfields_run(ctx, store, g, bf, &sc->bf, &r);
        px_bf_scenario_free(bf);
    }
    px_graph_free(g);
    return rc;
}

/* The scenario's services what-if: its changes (LON,LAT into the project
 * CRS), those of its changes file, and the sites site_services chose. */
static px_status exec_services(px_ctx *ctx, const px_scenario *sc, px_store *store)
{
    px_svc_change *from_file = NULL, *ch = NULL;
    size_t n_file = 0, n_sites = 0, n = 0;
    double *sxy = NULL;
    px_status rc = PX_OK;
    if (sc->svc_changes_file) rc = px_svc_changes_read(ctx, store, sc->svc_changes_file, &from_file, &n_file);
    px_table_reader *r = NULL;
    if (rc == PX_OK && sc->svc_add_sites) {
        static const char *const cols[] = {"x", "y", NULL};
        size_t cap = 0;
        rc = px_store_reader_open(store, "services_sites", cols, 0, NULL, &r);
        int has = 0;
        while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
            if (n_sites == cap) {
                cap = cap ? 2 * cap : 16;
                double *g = realloc(sxy, 2 * cap * sizeof *g);
                if (!g) {
                    rc = px__error(ctx, PX_ENOMEM, "out of memory");
                    break;
                }
                sxy = g;
            }
            sxy[2 * n_sites] = px_table_reader_real(r, 0);
            sxy[2 * n_sites + 1] = px_table_reader_real(r, 1);
            n_sites++;
        }
        px_table_reader_close(r);
    }
    size_t total = sc->n_svc_changes + n_file + n_sites;
    if (rc == PX_OK && !(ch = calloc(total + 1, sizeof *ch))) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < sc->n_svc_changes; i++) {
        const px__sc_svc_change *c = &sc->svc_changes[i];
        px_svc_change *o = &ch[n++];
        o->kind = c->kind;
        o->id = c->id;
        o->capacity = c->capacity;
        if (c->kind != PX_SVC_CLOSE) {
            rc = px_store_lonlat_to_xy(ctx, store, c->lon, c->lat, &o->x, &o->y);
            if (rc != PX_OK)
                rc = px__error(ctx, PX_EDOMAIN, "%s:%d: analyses.services: %g,%g is outside the project's CRS area",
                               sc->path, c->line, c->lon, c->lat);
        }
    }
    for (size_t i = 0; rc == PX_OK && i < n_file; i++)
        ch[n++] = from_file[i];
    for (size_t i = 0; rc == PX_OK && i < n_sites; i++)
        ch[n++] = (px_svc_change){.kind = PX_SVC_ADD, .x = sxy[2 * i], .y = sxy[2 * i + 1]};
    if (rc == PX_OK) rc = px_services_whatif(ctx, store, ch, n, &sc->svc, NULL);
    free(ch);
    free(sxy);
    px_svc_changes_free(from_file, n_file);
    return rc;
}

/* mkdir -p of the folder holding `path` (or of `path` itself when `is_dir`). */
static px_status make_parents(px_ctx *ctx, const char *path, int is_dir)
{
    char *buf = px__strdup(path);
    if (!buf) return px__error(ctx, PX_ENOMEM, "out of memory");
    char *end = is_dir ? buf + strlen(buf) : strrchr(buf, '/');
    px_status rc = PX_OK;
    if (end) {
        char keep = *end;
        *end = '\0';
        for (char *p = buf + 1; rc == PX_OK; p++) {
            if (*p != '/' && *p) continue;
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                rc = px__error(ctx, PX_EIO, "%s: cannot create the folder: %s", buf, strerror(errno));
            *p = c;
            if (!c) break;
        }
        *end = keep;
    }
    free(buf);
    return rc;
}

/* Tables written by the scenario's analyses that exist and have geometry. */
static px_status result_layers(px_ctx *ctx, const px__plan *plan, px_store *store, int layers_only,
                               px_tiles_layer **out, size_t *n)
{
    px_table_info *infos = NULL;
    size_t n_infos = 0;
    px_status rc = px_store_tables(store, &infos, &n_infos);
    if (rc != PX_OK) return rc;
    px_tiles_layer *v = calloc(n_infos + 1, sizeof *v);
    size_t cnt = 0;
    if (!v) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < plan->n; i++) {
        const px__step *s = &plan->steps[i];
        int want = layers_only ? s->kind == PX__STEP_LOAD
                               : (s->kind >= PX__STEP_ACCESS && s->kind <= PX__STEP_SERVICES);
        for (size_t t = 0; want && t < s->n_tables; t++)
            for (size_t k = 0; k < n_infos; k++)
                if (!strcmp(infos[k].name, s->tables[t]) && infos[k].geom_type != PX_GEOM_NONE)
                    v[cnt++].table = s->tables[t]; /* borrowed from the plan */
    }
    px_table_info_free(infos, n_infos);
    if (rc == PX_OK && cnt == 0) rc = px__error(ctx, PX_ENOTFOUND, "tiles: no table with geometry to tile");
    if (rc != PX_OK) {
        free(v);
        return rc;
    }
    *out = v;
    *n = cnt;
    return PX_OK;
}

#if PX__HAVE_PRINT
static px_status exec_map(px_ctx *ctx, const px_scenario *sc, const px__step *st, px_store *store, const char *out,
                          const char *date)
{
    const px__sc_map *m = &sc->maps[st->index_in_kind];
    px_style *style = NULL;
    px_map_options o;
    px_map_options_default(&o);
    o.page = m->a3 ? PX_PAGE_A3 : PX_PAGE_A4;
    o.landscape = m->landscape;
    o.atlas = m->atlas;
    o.title = m->title;
    o.date = date; /* the run's date: the same inputs give the same bytes */
    px_status rc = px_style_read(ctx, m->style, &style);
    if (rc == PX_OK) rc = px_map_write(ctx, store, style, out, &o, NULL);
    px_style_free(style);
    return rc;
}

static px_status exec_report(px_ctx *ctx, const px_scenario *sc, const px__plan *plan, px_store *store,
                             const char *outdir, const char *run, const char *date)
{
    px_report_options o;
    px_report_options_default(&o);
    o.title = sc->report_title;
    o.date = date;
    if (sc->report_top_sites) o.top_sites = sc->report_top_sites;
    const char **styles = NULL;
    px_run_change *c = NULL;
    px_report_change *rc_changes = NULL;
    size_t n = 0;
    px_report_compare cmp = {0};
    px_status rc = PX_OK;
    char *dir = px__asprintf("%s/%s", outdir, sc->report_dir);
    if (!dir) return px__error(ctx, PX_ENOMEM, "out of memory");
    if (sc->report_styles.n) {
        styles = calloc(sc->report_styles.n + 1, sizeof *styles);
        if (!styles) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; styles && i < sc->report_styles.n; i++)
            styles[i] = sc->report_styles.v[i];
        o.map_styles = styles;
    }
    if (rc == PX_OK && sc->report_compare) {
        /* This run's values, as far as the analyses go, then the changes. */
        if ((rc = px_store_begin(store)) == PX_OK) {
            rc = px__run_snapshot(ctx, store, sc, plan, run);
            if (rc == PX_OK) rc = px_store_commit(store);
            else px_store_rollback(store);
        }
        if (rc == PX_OK) rc = px_runs_compare(ctx, store, sc->report_compare, run, &c, &n);
        if (rc == PX_OK && n && !(rc_changes = calloc(n, sizeof *rc_changes)))
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; rc == PX_OK && i < n; i++)
            rc_changes[i] = (px_report_change){c[i].table, c[i].commune_id, c[i].commune_name, c[i].key,
                                               c[i].indicator, c[i].has_a, c[i].has_b, c[i].a, c[i].b};
        cmp = (px_report_compare){sc->report_compare, run, n, rc_changes};
        o.compare = &cmp;
    }
    if (rc == PX_OK) rc = px_report_write(ctx, store, dir, &o, NULL);
    free(rc_changes);
    px_run_changes_free(c, n);
    free(styles);
    free(dir);
    return rc;
}
#endif

px_status px__step_exec(px_ctx *ctx, const px_scenario *sc, const px__plan *plan, const px__step *st,
                        px_store *store, const px__exec_env *env)
{
    const char *outdir = env->outdir, *run = env->run, *date = env->date;
    px_status rc = PX_OK;
    char *out = st->output ? px__asprintf("%s/%s", outdir, st->output) : NULL;
    if (st->output && !out) return px__error(ctx, PX_ENOMEM, "out of memory");
    if (out) rc = make_parents(ctx, out, 0);
    if (rc != PX_OK) {
        free(out);
        return rc;
    }
    switch (st->kind) {
    case PX__STEP_LOAD:
        rc = exec_load(ctx, sc, store);
        break;
    case PX__STEP_NETWORK: {
        px_net_report r;
        rc = px_net_build(ctx, store, &sc->net, &r);
        break;
    }
    case PX__STEP_ACCESS: {
        px_access_report r;
        rc = px_access_run(ctx, store, &sc->access, &r);
        break;
    }
    case PX__STEP_ISO:
        rc = exec_iso(ctx, sc, st, store);
        break;
    case PX__STEP_EQUITY:
    case PX__STEP_FLOOD:
    case PX__STEP_BROWNFIELDS:
        rc = exec_with_graph(ctx, sc, st, store);
        break;
    case PX__STEP_CYCLE: {
        px_cycle_report r;
        rc = px_cycle_run(ctx, store, &sc->cycle, &r);
        break;
    }
    case PX__STEP_SITES: {
        px_site_report r;
        rc = px_site_services(ctx, store, &sc->site, &r);
        break;
    }
    case PX__STEP_SERVICES:
        rc = exec_services(ctx, sc, store);
        break;
    case PX__STEP_EXPORT: {
        const px__sc_export *e = &sc->exports[st->index_in_kind];
        rc = px_export(ctx, store, e->table, out, NULL);
        break;
    }
    case PX__STEP_VTILES_LAYERS:
    case PX__STEP_VTILES_RESULTS: {
        px_tiles_layer *layers = NULL;
        size_t n = 0;
        rc = result_layers(ctx, plan, store, st->kind == PX__STEP_VTILES_LAYERS, &layers, &n);
        if (rc == PX_OK) rc = px_tiles_write_vector(ctx, store, layers, n, out, NULL, NULL);
        free(layers);
        break;
    }
    case PX__STEP_RTILES: {
        px_style *style = NULL;
        px_rtiles_options o;
        px_rtiles_options_default(&o);
        o.minzoom = sc->raster_minzoom;
        o.maxzoom = sc->raster_maxzoom;
        rc = px_style_read(ctx, sc->styles.v[st->index_in_kind], &style);
        if (rc == PX_OK) rc = px_tiles_write_raster(ctx, store, style, out, &o, NULL);
        px_style_free(style);
        break;
    }
    case PX__STEP_MAP:
#if PX__HAVE_PRINT
        rc = exec_map(ctx, sc, st, store, out, date);
#endif
        break;
    case PX__STEP_REPORT:
#if PX__HAVE_PRINT
        rc = exec_report(ctx, sc, plan, store, outdir, run, date);
#endif
        break;
    case PX__STEP_SITE: {
        char *dir = px__asprintf("%s/%s", outdir, sc->site_dir);
        if (!dir) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        else if (!env->write_site) rc = px__error(ctx, PX_EUNSUPPORTED, "output 'site' is not available in this build");
        else rc = env->write_site(ctx, px_store_location(store), dir, env->site_user);
        free(dir);
        break;
    }
    }
    (void)run;
    (void)date;
    free(out);
    return rc;
}
