/*
 * The service-planning analyses of a scenario file: `analyses.services` (a
 * what-if: add, close, move, a changes file, or the sites chosen by
 * `analyses.site_services`) and `analyses.site_services` (optimal siting),
 * checked key by key with "FILE:LINE: reason" errors like the rest of the
 * scenario (the helpers of scenario.c). Places are LON,LAT here; the step
 * turns them into the project CRS when it runs.
 */
#include "run_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static px_status oom(px__sc_parse *p)
{
    return px__error(p->ctx, PX_ENOMEM, "out of memory");
}

/* "A,B[,C]": 2 or 3 finite numbers; returns the count, 0 on bad text. */
static int parse_nums(const char *s, double *v)
{
    int n = 0;
    const char *q = s;
    while (n < 3) {
        char *end = NULL;
        v[n] = strtod(q, &end);
        if (end == q || !isfinite(v[n])) return 0;
        n++;
        if (*end == '\0') return n >= 2 ? n : 0;
        if (*end != ',') return 0;
        q = end + 1;
    }
    return 0;
}

/* Entries of `key`: a list of texts, or one text. Items borrowed from the node. */
static px_status entries(px__sc_parse *p, const px__node *map, const char *key, const char *what,
                         const px__node ***out, size_t *n)
{
    const px__node *v = px__node_get(map, key);
    *out = NULL;
    *n = 0;
    if (!v || v->is_null) return PX_OK;
    char msg[256];
    snprintf(msg, sizeof msg, "'%s' in %s must be a list of texts", key, what);
    if (v->kind == PX__NODE_SCALAR) {
        *out = calloc(1, sizeof **out);
        if (!*out) return oom(p);
        (*out)[0] = v;
        *n = 1;
        return PX_OK;
    }
    if (v->kind != PX__NODE_SEQ) return px__sc_err(p, px__sc_line_of(map, key), msg);
    *out = calloc(v->n + 1, sizeof **out);
    if (!*out) return oom(p);
    for (size_t i = 0; i < v->n; i++) {
        if (v->items[i]->kind != PX__NODE_SCALAR || !*v->items[i]->text) {
            free(*out);
            *out = NULL;
            return px__sc_err(p, v->items[i]->line ? v->items[i]->line : px__sc_line_of(map, key), msg);
        }
        (*out)[(*n)++] = v->items[i];
    }
    return PX_OK;
}

static int line_or(const px__node *it, const px__node *map, const char *key)
{
    return it->line ? it->line : px__sc_line_of(map, key);
}

static px_status parse_changes(px__sc_parse *p, const px__node *n, const char *w)
{
    px_scenario *sc = p->sc;
    static const char *const keys[] = {"add", "close", "move"};
    const px__node **items[3] = {NULL, NULL, NULL};
    size_t counts[3] = {0, 0, 0};
    px_status rc = PX_OK;
    for (int k = 0; rc == PX_OK && k < 3; k++)
        rc = entries(p, n, keys[k], w, &items[k], &counts[k]);
    size_t total = counts[0] + counts[1] + counts[2];
    if (rc == PX_OK && total && !(sc->svc_changes = calloc(total, sizeof *sc->svc_changes))) rc = oom(p);
    char msg[512];
    for (int k = 0; rc == PX_OK && k < 3; k++) {
        for (size_t i = 0; rc == PX_OK && i < counts[k]; i++) {
            const char *t = items[k][i]->text;
            int line = line_or(items[k][i], n, keys[k]);
            px__sc_svc_change *c = &sc->svc_changes[sc->n_svc_changes++];
            c->line = line;
            double v[3] = {0, 0, 0};
            if (k == 0) {
                c->kind = PX_SVC_ADD;
                int m = parse_nums(t, v);
                if (!m || (m == 3 && !(v[2] > 0)) || !(v[0] >= -180 && v[0] <= 180 && v[1] >= -90 && v[1] <= 90)) {
                    snprintf(msg, sizeof msg, "%s.add: '%s': want \"LON,LAT[,CAP]\" (CAP > 0)", w, t);
                    rc = px__sc_err(p, line, msg);
                }
                c->lon = v[0], c->lat = v[1], c->capacity = m == 3 ? v[2] : 0;
            } else if (k == 1) {
                c->kind = PX_SVC_CLOSE;
                if (!(c->id = px__strdup(t))) rc = oom(p);
            } else {
                c->kind = PX_SVC_MOVE;
                const char *colon = strrchr(t, ':');
                if (!colon || colon == t || parse_nums(colon + 1, v) != 2 ||
                    !(v[0] >= -180 && v[0] <= 180 && v[1] >= -90 && v[1] <= 90)) {
                    snprintf(msg, sizeof msg, "%s.move: '%s': want \"ID:LON,LAT\"", w, t);
                    rc = px__sc_err(p, line, msg);
                } else if (!(c->id = strndup(t, (size_t)(colon - t)))) {
                    rc = oom(p);
                }
                c->lon = v[0], c->lat = v[1];
            }
        }
    }
    for (int k = 0; k < 3; k++)
        free(items[k]);
    return rc;
}

px_status px__sc_parse_services(px__sc_parse *p, const px__node *n)
{
    static const char *const known[] = {"category", "modes", "minutes",   "snap_m", "threads",
                                        "add",      "close", "move",      "changes", "add_sites", NULL};
    const char *w = "analyses.services";
    px_scenario *sc = p->sc;
    px_whatif_options *o = &sc->svc;
    if (n->is_null) return px__sc_err(p, n->line, "analyses.services needs 'category' and at least one change");
    px_status rc = px__sc_check_keys(p, n, w, known);
    if (rc == PX_OK) rc = px__sc_text(p, n, "category", w, &sc->svc_category);
    if (rc == PX_OK && !sc->svc_category)
        rc = px__sc_err(p, n->line, "analyses.services needs 'category' (the service category to change)");
    if (rc == PX_OK) rc = px__sc_modes(p, n, "modes", w, &o->modes);
    if (rc == PX_OK) rc = px__sc_number(p, n, "minutes", w, 0, 240, 1, &o->minutes);
    if (rc == PX_OK) rc = px__sc_number(p, n, "snap_m", w, 0, 100000, 1, &o->max_snap_m);
    if (rc == PX_OK) rc = px__sc_integer(p, n, "threads", w, 1, 64, &o->n_threads);
    if (rc == PX_OK) rc = px__sc_path(p, n, "changes", w, &sc->svc_changes_file);
    if (rc == PX_OK) rc = px__sc_boolean(p, n, "add_sites", w, &sc->svc_add_sites);
    if (rc == PX_OK) rc = parse_changes(p, n, w);
    if (rc == PX_OK && !sc->n_svc_changes && !sc->svc_changes_file && !sc->svc_add_sites)
        rc = px__sc_err(p, n->line,
                        "analyses.services needs a change: 'add', 'close', 'move', 'changes' or 'add_sites: true'");
    o->category = sc->svc_category;
    return rc;
}

px_status px__sc_parse_sites(px__sc_parse *p, const px__node *n)
{
    static const char *const known[] = {"category", "new",    "candidates", "objective", "mode",    "minutes",
                                        "max_minutes", "snap_m", "exact_max", "threads", NULL};
    const char *w = "analyses.site_services";
    px_scenario *sc = p->sc;
    px_site_options *o = &sc->site;
    if (n->is_null) return px__sc_err(p, n->line, "analyses.site_services needs 'category', 'new' and 'candidates'");
    px_status rc = px__sc_check_keys(p, n, w, known);
    char msg[512];
    if (rc == PX_OK) rc = px__sc_text(p, n, "category", w, &sc->site_category);
    if (rc == PX_OK && !sc->site_category)
        rc = px__sc_err(p, n->line, "analyses.site_services needs 'category' (the service category to site)");
    int k = 0;
    if (rc == PX_OK) rc = px__sc_integer(p, n, "new", w, 1, 1000, &k);
    if (rc == PX_OK && !k) rc = px__sc_err(p, n->line, "analyses.site_services needs 'new' (the number of sites)");
    o->k = (size_t)k;
    if (rc == PX_OK) rc = px__sc_text(p, n, "candidates", w, &sc->site_candidates);
    if (rc == PX_OK && !sc->site_candidates)
        rc = px__sc_err(p, n->line, "analyses.site_services needs 'candidates': a layer or grid:M");
    if (rc == PX_OK && !strncmp(sc->site_candidates, "grid:", 5)) {
        char *end = NULL;
        o->grid_m = strtod(sc->site_candidates + 5, &end);
        if (end == sc->site_candidates + 5 || *end || !(o->grid_m >= 10 && o->grid_m <= 100000)) {
            snprintf(msg, sizeof msg, "'candidates' in %s: '%s': want grid:M with M in [10, 100000] metres", w,
                     sc->site_candidates);
            rc = px__sc_err(p, px__sc_line_of(n, "candidates"), msg);
        }
    } else if (rc == PX_OK) {
        o->candidates_layer = sc->site_candidates;
    }
    char *t = NULL;
    if (rc == PX_OK) rc = px__sc_text(p, n, "objective", w, &t);
    if (rc == PX_OK && t && !strcmp(t, "coverage")) o->objective = PX_SITE_COVERAGE;
    else if (rc == PX_OK && t && !strcmp(t, "pmedian")) o->objective = PX_SITE_PMEDIAN;
    else if (rc == PX_OK && t && !strcmp(t, "equity")) o->objective = PX_SITE_EQUITY;
    else if (rc == PX_OK && t) {
        snprintf(msg, sizeof msg, "unknown objective '%s' in %s (known: coverage, pmedian, equity)", t, w);
        rc = px__sc_err(p, px__sc_line_of(n, "objective"), msg);
    }
    free(t);
    t = NULL;
    if (rc == PX_OK) rc = px__sc_text(p, n, "mode", w, &t);
    if (rc == PX_OK && t && px_mode_lookup(t, &o->mode) != PX_OK) {
        snprintf(msg, sizeof msg, "unknown mode '%s' in %s (known modes: walk, bike)", t, w);
        rc = px__sc_err(p, px__sc_line_of(n, "mode"), msg);
    }
    free(t);
    if (rc == PX_OK) rc = px__sc_number(p, n, "minutes", w, 0, 240, 1, &o->minutes);
    if (rc == PX_OK) rc = px__sc_number(p, n, "max_minutes", w, 0, 480, 1, &o->cap_minutes);
    if (rc == PX_OK) rc = px__sc_number(p, n, "snap_m", w, 0, 100000, 1, &o->max_snap_m);
    o->max_subsets = 100000;
    if (rc == PX_OK) rc = px__sc_number(p, n, "exact_max", w, 0, 1e9, 0, &o->max_subsets);
    if (rc == PX_OK) rc = px__sc_integer(p, n, "threads", w, 1, 64, &o->n_threads);
    double mins = o->minutes > 0 ? o->minutes : 15;
    if (rc == PX_OK && o->cap_minutes > 0 && o->cap_minutes < mins) {
        snprintf(msg, sizeof msg, "'max_minutes' in %s (%g) must be at least 'minutes' (%g)", w, o->cap_minutes, mins);
        rc = px__sc_err(p, px__sc_line_of(n, "max_minutes"), msg);
    }
    o->category = sc->site_category;
    return rc;
}

void px__sc_services_free(px_scenario *sc)
{
    for (size_t i = 0; i < sc->n_svc_changes; i++)
        free(sc->svc_changes[i].id);
    free(sc->svc_changes);
    free(sc->svc_category);
    free(sc->svc_changes_file);
    free(sc->site_category);
    free(sc->site_candidates);
}
