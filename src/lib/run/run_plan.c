/*
 * The plan of a run: the scenario turned into an ordered list of steps, each
 * with its id, the steps it depends on (the ones that write the tables it
 * reads), its parameters as canonical JSON, the input files whose content
 * goes into its hash, the tables it writes and the output it leaves in the
 * output folder. Nothing is executed or hashed here.
 *
 * Order: load, network, access, isochrones, equity, flood, site_services,
 * brownfields (after equity, flood and siting: its equity_deficit and
 * service_gain criteria read equity_communes and services_site_gains),
 * cycle, services (a what-if), then the outputs in the order written.
 */
#include "run_int.h"

#include <stdlib.h>
#include <string.h>

char *px__json_canonical(json_t *obj)
{
    if (!obj) return NULL;
    char *s = json_dumps(obj, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(obj);
    return s;
}

json_t *px__json_strlist(const px__strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

json_t *px__json_modes(unsigned modes)
{
    json_t *a = json_array();
    if (!modes) modes = 3u;
    for (int m = 0; a && m < PX_MODE_COUNT; m++)
        if (modes & (1u << m)) json_array_append_new(a, json_string(px_mode_name((px_mode)m)));
    return a;
}

static const char *base_of(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path;
}

typedef struct builder {
    px_ctx *ctx;
    const px_scenario *sc;
    px__plan *plan;
    size_t cap;
} builder;

static px__step *add_step(builder *b, px__step_kind kind, const char *id)
{
    if (b->plan->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 32;
        px__step *g = realloc(b->plan->steps, cap * sizeof *g);
        if (!g) return NULL;
        b->plan->steps = g;
        b->cap = cap;
    }
    px__step *s = &b->plan->steps[b->plan->n++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    snprintf(s->id, sizeof s->id, "%s", id);
    return s;
}

static void add_dep(px__step *s, size_t dep)
{
    for (size_t i = 0; i < s->n_deps; i++)
        if (s->deps[i] == dep) return;
    if (s->n_deps < PX__STEP_MAX_DEPS) s->deps[s->n_deps++] = dep;
}

static void add_table(px__step *s, const char *t)
{
    if (s->n_tables < PX__STEP_MAX_TABLES) s->tables[s->n_tables++] = t;
}

static px_status add_file(builder *b, px__step *s, const char *path)
{
    char **g = realloc(s->files.v, (s->files.n + 2) * sizeof *g);
    if (!g) return px__error(b->ctx, PX_ENOMEM, "out of memory");
    s->files.v = g;
    if (!(g[s->files.n] = px__strdup(path))) return px__error(b->ctx, PX_ENOMEM, "out of memory");
    s->files.n++;
    return PX_OK;
}

/* The step that writes `table`, or -1. Later steps win (none overlap today). */
static long writer_of(const px__plan *p, const char *table)
{
    for (size_t i = p->n; i-- > 0;)
        for (size_t t = 0; t < p->steps[i].n_tables; t++)
            if (!strcmp(p->steps[i].tables[t], table)) return (long)i;
    return -1;
}

static int is_analysis(px__step_kind k)
{
    return k >= PX__STEP_ACCESS && k <= PX__STEP_SERVICES;
}

static px_status plan_load(builder *b, size_t *load_idx)
{
    const px_scenario *sc = b->sc;
    px__step *s = add_step(b, PX__STEP_LOAD, "load");
    if (!s) return px__error(b->ctx, PX_ENOMEM, "out of memory");
    *load_idx = b->plan->n - 1;
    json_t *o = json_object();
    json_object_set_new(o, "crs", json_string(sc->crs));
    json_t *defs = json_array();
    json_object_set_new(o, "layers", defs);
    px_status rc = PX_OK;
    int seen[PX_LAYER_COUNT] = {0};
    for (size_t i = 0; rc == PX_OK && i < sc->layers.n; i++) {
        px_layerdef *def = NULL;
        rc = px_layerdef_read(b->ctx, sc->layers.v[i], &def);
        if (rc != PX_OK) break;
        json_array_append_new(defs, json_string(base_of(sc->layers.v[i])));
        rc = add_file(b, s, sc->layers.v[i]);
        if (rc == PX_OK && def->osm_config) rc = add_file(b, s, def->osm_config);
        for (int l = 0; rc == PX_OK && l < PX_LAYER_COUNT; l++) {
            if (def->n_sources[l] && !seen[l]) {
                seen[l] = 1;
                add_table(s, px_layer_name((px_layer_id)l));
            }
            for (size_t k = 0; rc == PX_OK && k < def->n_sources[l]; k++) {
                const px__source *src = &def->sources[l][k];
                int dup = 0;
                for (size_t f = 0; f < s->files.n; f++)
                    dup |= !strcmp(s->files.v[f], src->path);
                if (!dup) rc = add_file(b, s, src->path);
                if (rc == PX_OK && src->join) rc = add_file(b, s, src->join->path);
            }
        }
        px_layerdef_free(def);
    }
    if (rc == PX_OK && !(s->params = px__json_canonical(o)))
        rc = px__error(b->ctx, PX_ENOMEM, "out of memory");
    if (rc != PX_OK && !s->params) json_decref(o);
    return rc;
}

static json_t *num(double v)
{
    return json_real(v);
}

/* Each analysis' parameters as the library will see them (0 = its default). */
static px_status plan_analyses(builder *b, size_t load)
{
    const px_scenario *sc = b->sc;
    px_ctx *ctx = b->ctx;
    px__step *s;
    json_t *o;
#define NEW_STEP(kind, id)                                                                                   \
    do {                                                                                                     \
        if (!(s = add_step(b, kind, id)) || !(o = json_object()))                                            \
            return px__error(ctx, PX_ENOMEM, "out of memory");                                               \
    } while (0)
#define SET(key, val) json_object_set_new(o, key, val)
#define DONE()                                                                                               \
    do {                                                                                                     \
        if (!(s->params = px__json_canonical(o))) return px__error(ctx, PX_ENOMEM, "out of memory");         \
    } while (0)

    if (!sc->has_network) return PX_OK;
    NEW_STEP(PX__STEP_NETWORK, "network");
    size_t net = b->plan->n - 1;
    add_dep(s, load);
    add_table(s, "net_nodes");
    add_table(s, "net_edges");
    SET("walk_kmh", num(sc->net.walk_kmh));
    SET("bike_kmh", num(sc->net.bike_kmh));
    SET("bike_slow_kmh", num(sc->net.bike_slow_kmh));
    SET("bike_steps_kmh", num(sc->net.bike_steps_kmh));
    SET("snap_tol_m", num(sc->net.snap_tol_m));
    SET("island_max_nodes", json_integer(sc->net.island_max_nodes));
    DONE();

    if (sc->has_access) {
        NEW_STEP(PX__STEP_ACCESS, "access");
        add_dep(s, net);
        add_table(s, "access_communes");
        add_table(s, "access_origins");
        s->snapshot[0] = "access_communes";
        SET("modes", px__json_modes(sc->access.modes));
        SET("minutes", num(sc->access.minutes));
        SET("cutoff_minutes", num(sc->access.cutoff_minutes));
        SET("nth", json_integer(sc->access.nth));
        SET("categories", px__json_strlist(&sc->access_cats));
        SET("snap_m", num(sc->access.max_snap_m));
        DONE();
    }
    for (size_t i = 0; i < sc->n_iso; i++) {
        char id[160];
        snprintf(id, sizeof id, "isochrones %s", sc->iso[i].table);
        NEW_STEP(PX__STEP_ISO, id);
        s->index_in_kind = i;
        add_dep(s, net);
        add_table(s, sc->iso[i].table);
        SET("mode", json_string(px_mode_name(sc->iso[i].mode)));
        json_t *m = json_array();
        for (size_t k = 0; k < sc->iso[i].n_minutes; k++)
            json_array_append_new(m, num(sc->iso[i].minutes[k]));
        SET("minutes", m);
        SET("table", json_string(sc->iso[i].table));
        SET("buffer_m", num(sc->iso[i].buffer_m));
        SET("snap_m", num(sc->iso[i].snap_m));
        SET("origins", json_string("commune_centres"));
        DONE();
    }
    long equity = -1, flood = -1;
    if (sc->has_equity) {
        NEW_STEP(PX__STEP_EQUITY, "equity");
        equity = (long)b->plan->n - 1;
        add_dep(s, net);
        static const char *const t[] = {"equity_communes", "equity_origins", "equity_summary",
                                        "equity_lorenz", "equity_underserved"};
        for (size_t k = 0; k < 5; k++)
            add_table(s, t[k]);
        s->snapshot[0] = "equity_communes";
        SET("modes", px__json_modes(sc->equity.modes));
        SET("minutes", num(sc->equity.threshold_min));
        json_t *bands = json_array();
        for (size_t k = 0; k < sc->equity.n_bands; k++)
            json_array_append_new(bands, json_pack("[f, f]", sc->bands[k].max_minutes, sc->bands[k].weight));
        SET("bands", bands);
        SET("categories", px__json_strlist(&sc->equity_cats));
        SET("underserved_share", num(sc->equity.underserved_share));
        SET("snap_m", num(sc->equity.snap_max_m));
        DONE();
    }
    if (sc->has_flood) {
        NEW_STEP(PX__STEP_FLOOD, "flood");
        flood = (long)b->plan->n - 1;
        add_dep(s, net);
        add_table(s, "flood_exposure");
        s->snapshot[0] = "flood_exposure";
        if (sc->flood.scenario) {
            add_table(s, "flood_scenario_communes");
            add_table(s, "flood_scenario_origins");
            s->snapshot[1] = "flood_scenario_communes";
        }
        SET("scenario", json_boolean(sc->flood.scenario));
        SET("level", json_string(px_hazard_name((int)sc->flood.level)));
        SET("minutes", num(sc->flood.threshold_min));
        SET("max_minutes", num(sc->flood.max_minutes));
        SET("snap_m", num(sc->flood.snap_max_m));
        SET("modes", px__json_modes(sc->flood.modes));
        SET("categories", px__json_strlist(&sc->flood_cats));
        DONE();
    }
    /* Siting before brownfields: the brownfield ranking's service_gain
     * criterion reads services_site_gains. */
    long sites = -1;
    if (sc->has_sites) {
        const px_site_options *so = &sc->site;
        NEW_STEP(PX__STEP_SITES, "site_services");
        sites = (long)b->plan->n - 1;
        add_dep(s, net);
        add_dep(s, load); /* candidates may be a loaded layer (brownfields) */
        add_table(s, "services_sites");
        add_table(s, "services_site_gains");
        SET("category", json_string(so->category));
        SET("new", json_integer((json_int_t)so->k));
        SET("candidates", json_string(sc->site_candidates));
        SET("objective", json_string(px_site_objective_name(so->objective)));
        SET("mode", json_string(px_mode_name(so->mode)));
        SET("minutes", num(so->minutes));
        SET("max_minutes", num(so->cap_minutes));
        SET("snap_m", num(so->max_snap_m));
        SET("exact_max", num(so->max_subsets));
        DONE();
    }
    if (sc->has_brownfields) {
        NEW_STEP(PX__STEP_BROWNFIELDS, "brownfields");
        add_dep(s, net);
        if (equity >= 0) add_dep(s, (size_t)equity);
        if (flood >= 0) add_dep(s, (size_t)flood);
        if (sites >= 0) add_dep(s, (size_t)sites);
        add_table(s, "brownfield_sites");
        add_table(s, "brownfield_scores");
        px_status rc = add_file(b, s, sc->bf_scenario);
        if (rc != PX_OK) return rc;
        SET("scenario", json_string(base_of(sc->bf_scenario)));
        SET("minutes", num(sc->bf.threshold_min));
        SET("max_minutes", num(sc->bf.max_minutes));
        SET("snap_m", num(sc->bf.snap_max_m));
        SET("transit_category", json_string(sc->bf.transit_category ? sc->bf.transit_category : ""));
        DONE();
    }
    if (sc->has_cycle) {
        NEW_STEP(PX__STEP_CYCLE, "cycle");
        add_dep(s, net);
        static const char *const t[] = {"cycle_coverage",      "cycle_connectivity",
                                        "net_edge_lts",        "cycle_islands",
                                        "cycle_missing_links", "cycle_connectivity_origins"};
        for (size_t k = 0; k < 6; k++)
            add_table(s, t[k]);
        s->snapshot[0] = "cycle_coverage";
        s->snapshot[1] = "cycle_connectivity";
        if (sc->planned_links) {
            add_table(s, "cycle_whatif"); /* before/after inside one run: see cycle_plan in run.c */
            px_status rc = add_file(b, s, sc->planned_links);
            if (rc != PX_OK) return rc;
        }
        SET("coverage_m", num(sc->cycle.coverage_m));
        SET("distance_m", num(sc->cycle.bike_distance_m));
        SET("detour", num(sc->cycle.detour_ratio));
        SET("max_lts", json_integer(sc->cycle.max_low_stress));
        SET("gap_m", num(sc->cycle.gap_m));
        SET("top_links", json_integer(sc->cycle.top_links));
        SET("snap_m", num(sc->cycle.snap_m));
        json_t *w = json_object();
        for (size_t k = 0; k < sc->weight_names.n; k++)
            json_object_set_new(w, sc->weight_names.v[k], num(sc->weight_values[k]));
        SET("weights", w);
        SET("planned_links", json_string(sc->planned_links ? base_of(sc->planned_links) : ""));
        DONE();
    }
    if (sc->has_services) {
        NEW_STEP(PX__STEP_SERVICES, "services");
        add_dep(s, net);
        if (sites >= 0 && sc->svc_add_sites) add_dep(s, (size_t)sites);
        add_table(s, "services_whatif_communes");
        add_table(s, "services_whatif_origins");
        add_table(s, "services_whatif_summary");
        if (sc->svc_changes_file) {
            px_status rc = add_file(b, s, sc->svc_changes_file);
            if (rc != PX_OK) return rc;
        }
        SET("category", json_string(sc->svc_category));
        SET("modes", px__json_modes(sc->svc.modes));
        SET("minutes", num(sc->svc.minutes));
        SET("snap_m", num(sc->svc.max_snap_m));
        json_t *ch = json_array();
        for (size_t k = 0; k < sc->n_svc_changes; k++) {
            const px__sc_svc_change *c = &sc->svc_changes[k];
            json_array_append_new(ch, json_pack("{s:i, s:s, s:f, s:f, s:f}", "kind", (int)c->kind, "id",
                                                c->id ? c->id : "", "lon", c->lon, "lat", c->lat, "capacity",
                                                c->capacity));
        }
        SET("changes", ch);
        SET("changes_file", json_string(sc->svc_changes_file ? base_of(sc->svc_changes_file) : ""));
        SET("add_sites", json_boolean(sc->svc_add_sites));
        DONE();
    }
    return PX_OK;
}

static px_status plan_outputs(builder *b, size_t load)
{
    const px_scenario *sc = b->sc;
    px_ctx *ctx = b->ctx;
    px__plan *p = b->plan;
    px__step *s;
    json_t *o;
    for (size_t i = 0; i < sc->n_exports; i++) {
        const px__sc_export *e = &sc->exports[i];
        long w = writer_of(p, e->table);
        if (w < 0)
            return px__error(ctx, PX_EDOMAIN, "%s:%d: outputs: no step of this scenario writes table '%s'",
                             sc->path, e->line, e->table);
        char id[160];
        snprintf(id, sizeof id, "export %s", e->file);
        NEW_STEP(PX__STEP_EXPORT, id);
        s->index_in_kind = i;
        add_dep(s, (size_t)w);
        if (!(s->output = px__strdup(e->file))) return px__error(ctx, PX_ENOMEM, "out of memory");
        SET("table", json_string(e->table));
        SET("file", json_string(e->file));
        DONE();
    }
    if (sc->tiles_layers) {
        char id[160];
        snprintf(id, sizeof id, "tiles %s", sc->tiles_layers);
        NEW_STEP(PX__STEP_VTILES_LAYERS, id);
        add_dep(s, load);
        if (!(s->output = px__strdup(sc->tiles_layers))) return px__error(ctx, PX_ENOMEM, "out of memory");
        SET("file", json_string(sc->tiles_layers));
        DONE();
    }
    if (sc->tiles_results) {
        char id[160];
        snprintf(id, sizeof id, "tiles %s", sc->tiles_results);
        NEW_STEP(PX__STEP_VTILES_RESULTS, id);
        for (size_t i = 0; i + 1 < p->n; i++)
            if (is_analysis(p->steps[i].kind)) add_dep(s, i);
        if (!(s->output = px__strdup(sc->tiles_results))) return px__error(ctx, PX_ENOMEM, "out of memory");
        SET("file", json_string(sc->tiles_results));
        DONE();
    }
    for (size_t i = 0; i < sc->styles.n; i++) {
        px_style *style = NULL;
        px_status rc = px_style_read(ctx, sc->styles.v[i], &style);
        if (rc != PX_OK) return rc;
        char name[128];
        snprintf(name, sizeof name, "%s", base_of(sc->styles.v[i]));
        char *dot = strrchr(name, '.');
        if (dot) *dot = '\0';
        char id[160];
        snprintf(id, sizeof id, "raster %s", name);
        if (!(s = add_step(b, PX__STEP_RTILES, id)) || !(o = json_object())) {
            px_style_free(style);
            return px__error(ctx, PX_ENOMEM, "out of memory");
        }
        s->index_in_kind = i;
        for (size_t t = 0; t < px_style_n_tables(style); t++) {
            long w = writer_of(p, px_style_table(style, t));
            if (w < 0) {
                rc = px__error(
                    ctx, PX_EDOMAIN,
                    "%s:%d: outputs.tiles: style %s draws table '%s', which no step of this scenario writes",
                    sc->path, sc->styles.line, sc->styles.v[i], px_style_table(style, t));
                break;
            }
            add_dep(s, (size_t)w);
        }
        px_style_free(style);
        if (rc == PX_OK) rc = add_file(b, s, sc->styles.v[i]);
        s->output = px__asprintf("%s/%s", sc->raster_dir, name);
        if (rc == PX_OK && !s->output) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        if (rc != PX_OK) {
            json_decref(o);
            return rc;
        }
        SET("style", json_string(name));
        SET("minzoom", json_integer(sc->raster_minzoom));
        SET("maxzoom", json_integer(sc->raster_maxzoom));
        SET("dir", json_string(s->output));
        DONE();
    }
    for (size_t i = 0; i < sc->n_maps; i++) {
        const px__sc_map *m = &sc->maps[i];
        px_style *style = NULL;
        px_status rc = px_style_read(ctx, m->style, &style);
        if (rc != PX_OK) return rc;
        char id[160];
        snprintf(id, sizeof id, "map %s", m->file);
        if (!(s = add_step(b, PX__STEP_MAP, id)) || !(o = json_object())) {
            px_style_free(style);
            return px__error(ctx, PX_ENOMEM, "out of memory");
        }
        s->index_in_kind = i;
        for (size_t t = 0; rc == PX_OK && t < px_style_n_tables(style); t++) {
            long w = writer_of(p, px_style_table(style, t));
            if (w < 0)
                rc = px__error(ctx, PX_EDOMAIN,
                               "%s:%d: outputs.maps: style %s draws table '%s', which no step of this scenario writes",
                               sc->path, m->line, m->style, px_style_table(style, t));
            else add_dep(s, (size_t)w);
        }
        px_style_free(style);
        if (rc == PX_OK && p->n && p->steps[0].kind == PX__STEP_LOAD) add_dep(s, 0); /* labels: communes */
        if (rc == PX_OK) rc = add_file(b, s, m->style);
        if (rc == PX_OK && !(s->output = px__strdup(m->file))) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        if (rc != PX_OK) {
            json_decref(o);
            return rc;
        }
        SET("style", json_string(base_of(m->style)));
        SET("file", json_string(m->file));
        SET("title", json_string(m->title ? m->title : ""));
        SET("page", json_string(m->a3 ? "A3" : "A4"));
        SET("landscape", json_boolean(m->landscape));
        SET("atlas", json_boolean(m->atlas));
        DONE();
    }
    if (sc->report_dir) {
        /* Ids name the output: two scenarios of one project writing reports to
         * two folders are two steps, each with its own state. */
        char id[160];
        snprintf(id, sizeof id, "report %s", sc->report_dir);
        NEW_STEP(PX__STEP_REPORT, id);
        for (size_t i = 0; i + 1 < p->n; i++)
            if (p->steps[i].kind == PX__STEP_LOAD || is_analysis(p->steps[i].kind)) add_dep(s, i);
        for (size_t i = 0; i < sc->report_styles.n; i++) {
            px_status rc = add_file(b, s, sc->report_styles.v[i]);
            if (rc != PX_OK) return rc;
        }
        if (!(s->output = px__asprintf("%s/report.html", sc->report_dir)))
            return px__error(ctx, PX_ENOMEM, "out of memory");
        SET("dir", json_string(sc->report_dir));
        SET("title", json_string(sc->report_title ? sc->report_title : ""));
        SET("compare", json_string(sc->report_compare ? sc->report_compare : ""));
        SET("top_sites", json_integer(sc->report_top_sites));
        SET("styles", px__json_strlist(&sc->report_styles));
        DONE();
    }
    if (sc->site_dir) {
        char id[160];
        snprintf(id, sizeof id, "site %s", sc->site_dir);
        NEW_STEP(PX__STEP_SITE, id);
        for (size_t i = 0; i + 1 < p->n; i++)
            if (p->steps[i].kind != PX__STEP_EXPORT) add_dep(s, i);
        if (!(s->output = px__asprintf("%s/index.html", sc->site_dir)))
            return px__error(ctx, PX_ENOMEM, "out of memory");
        SET("dir", json_string(sc->site_dir));
        DONE();
    }
    return PX_OK;
}

px_status px__plan_build(px_ctx *ctx, const px_scenario *sc, px__plan *out)
{
    memset(out, 0, sizeof *out);
    builder b = {ctx, sc, out, 0};
    size_t load = 0;
    px_status rc = PX_OK;
    if (sc->layers.n) rc = plan_load(&b, &load);
    if (rc == PX_OK) rc = plan_analyses(&b, load);
    if (rc == PX_OK) rc = plan_outputs(&b, load);
    if (rc != PX_OK) px__plan_clear(out);
    return rc;
}

void px__plan_clear(px__plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->steps[i].params);
        px__strlist_clear(&p->steps[i].files);
        free(p->steps[i].output);
    }
    free(p->steps);
    memset(p, 0, sizeof *p);
}
