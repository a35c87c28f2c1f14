/*
 * Reading a brownfield scenario (YAML, through libyaml's document API) into
 * the px_bf_scenario struct, with every value checked and every error given
 * as "FILE:LINE: reason". The format is documented in
 * layers/scenarios/README.md. Anchors and merge keys are not interpreted
 * beyond what libyaml resolves itself; unknown keys are refused so that a
 * typo cannot silently drop a criterion.
 */
#include "bf_int.h"
#include "equity_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct parse {
    px_ctx *ctx;
    const char *name;
    yaml_document_t *doc;
    px_bf_scenario *sc;
} parse;

static px_status perr(parse *p, const yaml_node_t *n, px_status st, const char *fmt, const char *a,
                      const char *b)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    return px__error(p->ctx, st, "%s:%lu: %s", p->name, n ? (unsigned long)n->start_mark.line + 1 : 0UL, msg);
}

static yaml_node_t *node_at(parse *p, int i)
{
    return yaml_document_get_node(p->doc, i);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Check that every key of mapping `m` is in `allowed` (NULL-terminated). */
static px_status check_keys(parse *p, yaml_node_t *m, const char *const *allowed)
{
    for (yaml_node_pair_t *kv = m->data.mapping.pairs.start; kv < m->data.mapping.pairs.top; kv++) {
        yaml_node_t *k = node_at(p, kv->key);
        const char *key = scalar(k);
        int ok = 0;
        for (size_t i = 0; key && allowed[i]; i++)
            ok |= !strcmp(key, allowed[i]);
        if (!ok) return perr(p, k, PX_EPARSE, "unknown key '%s'", key ? key : "?", NULL);
    }
    return PX_OK;
}

static yaml_node_t *map_get(parse *p, yaml_node_t *m, const char *key)
{
    if (!m || m->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *kv = m->data.mapping.pairs.start; kv < m->data.mapping.pairs.top; kv++) {
        const char *k = scalar(node_at(p, kv->key));
        if (k && !strcmp(k, key)) return node_at(p, kv->value);
    }
    return NULL;
}

static size_t seq_len(const yaml_node_t *n)
{
    return n && n->type == YAML_SEQUENCE_NODE
               ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
               : 0;
}

static yaml_node_t *seq_at(parse *p, yaml_node_t *n, size_t i)
{
    return node_at(p, n->data.sequence.items.start[i]);
}

static int parse_number(const char *s, double *out)
{
    if (!s || !*s) return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

/* A rating: a number among +2 +1 +0.5 -1 -2, or its name. */
static px_status parse_rating(parse *p, yaml_node_t *n, double *out)
{
    static const struct {
        const char *name;
        double v;
    } names[] = {
        {"very_positive", 2}, {"positive", 1}, {"neutral", 0.5}, {"negative", -1}, {"very_negative", -2}};
    const char *s = scalar(n);
    if (!s) return perr(p, n, PX_EPARSE, "a rating must be a scalar", NULL, NULL);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i].name)) {
            *out = names[i].v;
            return PX_OK;
        }
    double v;
    if (parse_number(s, &v) == 0 && (v == 2 || v == 1 || v == 0.5 || v == -1 || v == -2)) {
        *out = v;
        return PX_OK;
    }
    return perr(p, n, PX_EDOMAIN, "rating '%s' is not one of +2, +1, +0.5, -1, -2", s, NULL);
}

static int use_index(const px_bf_scenario *sc, const char *name)
{
    for (size_t u = 0; name && u < sc->n_uses; u++)
        if (!strcmp(sc->uses[u], name)) return (int)u;
    return -1;
}

int px__bf_criterion_index(const px_bf_scenario *sc, const char *id)
{
    for (size_t c = 0; id && c < sc->n_criteria; c++)
        if (sc->criteria[c].id && !strcmp(sc->criteria[c].id, id)) return (int)c;
    return -1;
}

static px_status parse_uses(parse *p, yaml_node_t *n)
{
    px_bf_scenario *sc = p->sc;
    size_t k = seq_len(n);
    if (k == 0) return perr(p, n, PX_EPARSE, "'uses' must be a non-empty list of names", NULL, NULL);
    sc->uses = calloc(k, sizeof *sc->uses);
    if (!sc->uses) return px__error(p->ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *u = seq_at(p, n, i);
        const char *s = scalar(u);
        if (!s || !*s) return perr(p, u, PX_EPARSE, "a use must be a name", NULL, NULL);
        if (use_index(sc, s) >= 0) return perr(p, u, PX_EDOMAIN, "use '%s' is listed twice", s, NULL);
        if (!(sc->uses[i] = px__strdup(s))) return px__error(p->ctx, PX_ENOMEM, "out of memory");
        sc->n_uses = i + 1;
    }
    return PX_OK;
}

/* `rate: {USE: {weight: W, ratings: [...]}, ...}` of criterion c. */
static px_status parse_rates(parse *p, yaml_node_t *n, px__bf_criterion *c)
{
    static const char *const keys[] = {"weight", "ratings", NULL};
    px_bf_scenario *sc = p->sc;
    if (!n || n->type != YAML_MAPPING_NODE)
        return perr(p, n, PX_EPARSE, "criterion '%s': 'rate' must map uses to {weight, ratings}", c->id,
                    NULL);
    for (yaml_node_pair_t *kv = n->data.mapping.pairs.start; kv < n->data.mapping.pairs.top; kv++) {
        yaml_node_t *k = node_at(p, kv->key), *v = node_at(p, kv->value);
        int u = use_index(sc, scalar(k));
        if (u < 0) return perr(p, k, PX_EDOMAIN, "criterion '%s': unknown use '%s'", c->id, scalar(k));
        if (!v || v->type != YAML_MAPPING_NODE)
            return perr(p, v, PX_EPARSE, "criterion '%s': use '%s' needs {weight, ratings}", c->id,
                        scalar(k));
        px_status rc = check_keys(p, v, keys);
        if (rc != PX_OK) return rc;
        px__bf_rule *r = &c->rules[u];
        if (r->set)
            return perr(p, k, PX_EDOMAIN, "criterion '%s': use '%s' is rated twice", c->id, scalar(k));
        yaml_node_t *w = map_get(p, v, "weight");
        if (!w || parse_number(scalar(w), &r->weight) != 0 ||
            !(r->weight == 0.5 || r->weight == 1 || r->weight == 2))
            return perr(p, w ? w : v, PX_EDOMAIN, "criterion '%s': weight of '%s' must be 0.5, 1 or 2", c->id,
                        scalar(k));
        yaml_node_t *rs = map_get(p, v, "ratings");
        if (seq_len(rs) != c->n_bins) {
            char want[32];
            snprintf(want, sizeof want, "%zu", c->n_bins);
            return perr(p, rs ? rs : v, PX_EDOMAIN, "criterion '%s': needs %s ratings (one per bin)", c->id,
                        want);
        }
        r->ratings = calloc(c->n_bins, sizeof *r->ratings);
        if (!r->ratings) return px__error(p->ctx, PX_ENOMEM, "out of memory");
        for (size_t b = 0; b < c->n_bins; b++)
            if ((rc = parse_rating(p, seq_at(p, rs, b), &r->ratings[b])) != PX_OK) return rc;
        r->set = 1;
    }
    return PX_OK;
}

static px_status parse_criterion(parse *p, yaml_node_t *n, px__bf_criterion *c)
{
    static const char *const keys[] = {"id", "label", "thresholds", "categories", "rate", NULL};
    if (!n || n->type != YAML_MAPPING_NODE)
        return perr(p, n, PX_EPARSE, "a criterion must be a mapping", NULL, NULL);
    px_status rc = check_keys(p, n, keys);
    if (rc != PX_OK) return rc;
    const char *id = scalar(map_get(p, n, "id"));
    if (!id || !*id) return perr(p, n, PX_EPARSE, "a criterion needs an 'id'", NULL, NULL);
    if (px__bf_criterion_index(p->sc, id) >= 0)
        return perr(p, n, PX_EDOMAIN, "criterion '%s' is listed twice", id, NULL);
    /* Result columns are named after the cleaned id: two ids that clean to
     * the same name ("props.a", "props_a") would clash in the tables. */
    char *mine = px_layer_column_token(id);
    for (size_t k = 0; mine && k < p->sc->n_criteria; k++) {
        char *other = p->sc->criteria[k].id ? px_layer_column_token(p->sc->criteria[k].id) : NULL;
        int clash = other && !strcmp(other, mine);
        free(other);
        if (clash) {
            free(mine);
            return perr(p, n, PX_EDOMAIN, "criteria '%s' and '%s' would share a column name",
                        p->sc->criteria[k].id, id);
        }
    }
    if (!mine) return px__error(p->ctx, PX_ENOMEM, "out of memory");
    free(mine);
    if (!(c->id = px__strdup(id))) return px__error(p->ctx, PX_ENOMEM, "out of memory");
    yaml_node_t *th = map_get(p, n, "thresholds"), *cat = map_get(p, n, "categories");
    if (!!th == !!cat)
        return perr(p, n, PX_EPARSE, "criterion '%s': give either 'thresholds' or 'categories'", id, NULL);
    if (th) {
        size_t k = seq_len(th);
        if (k == 0)
            return perr(p, th, PX_EPARSE, "criterion '%s': 'thresholds' must be a non-empty list", id, NULL);
        c->thresholds = calloc(k, sizeof *c->thresholds);
        if (!c->thresholds) return px__error(p->ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; i < k; i++) {
            yaml_node_t *t = seq_at(p, th, i);
            if (parse_number(scalar(t), &c->thresholds[i]) != 0 ||
                (i > 0 && c->thresholds[i] <= c->thresholds[i - 1]))
                return perr(p, t, PX_EDOMAIN, "criterion '%s': thresholds must be ascending numbers", id,
                            NULL);
        }
        c->n_bins = k + 1;
    } else {
        size_t k = seq_len(cat);
        if (k == 0)
            return perr(p, cat, PX_EPARSE, "criterion '%s': 'categories' must be a non-empty list", id, NULL);
        c->categories = calloc(k, sizeof *c->categories);
        if (!c->categories) return px__error(p->ctx, PX_ENOMEM, "out of memory");
        c->is_text = 1;
        for (size_t i = 0; i < k; i++) {
            const char *s = scalar(seq_at(p, cat, i));
            if (!s)
                return perr(p, seq_at(p, cat, i), PX_EPARSE, "criterion '%s': a category must be a scalar",
                            id, NULL);
            if (!(c->categories[i] = px__strdup(s))) return px__error(p->ctx, PX_ENOMEM, "out of memory");
            c->n_bins = i + 1;
        }
    }
    c->rules = calloc(p->sc->n_uses, sizeof *c->rules);
    if (!c->rules) return px__error(p->ctx, PX_ENOMEM, "out of memory");
    return parse_rates(p, map_get(p, n, "rate"), c);
}

/* `- {id: R, uses: [U...] | use: U, criterion: C, above: X | below: X | equals: T}` */
static px_status parse_exclusion(parse *p, yaml_node_t *n)
{
    static const char *const keys[] = {"id", "use", "uses", "criterion", "above", "below", "equals", NULL};
    px_bf_scenario *sc = p->sc;
    if (!n || n->type != YAML_MAPPING_NODE)
        return perr(p, n, PX_EPARSE, "an exclusion must be a mapping", NULL, NULL);
    px_status rc = check_keys(p, n, keys);
    if (rc != PX_OK) return rc;
    const char *id = scalar(map_get(p, n, "id"));
    if (!id || !*id) return perr(p, n, PX_EPARSE, "an exclusion needs an 'id'", NULL, NULL);
    const char *crit = scalar(map_get(p, n, "criterion"));
    int c = px__bf_criterion_index(sc, crit);
    if (c < 0) return perr(p, n, PX_EDOMAIN, "exclusion '%s': unknown criterion '%s'", id, crit ? crit : "");
    yaml_node_t *above = map_get(p, n, "above"), *below = map_get(p, n, "below"),
                *eq = map_get(p, n, "equals");
    if ((above != NULL) + (below != NULL) + (eq != NULL) != 1)
        return perr(p, n, PX_EPARSE, "exclusion '%s': give one of 'above', 'below', 'equals'", id, NULL);
    px__bf_exclusion tmpl = {.rule = sc->n_rule_ids, .criterion = (size_t)c};
    if (eq) {
        tmpl.op = PX__BF_EQUALS;
        if (!scalar(eq)) return perr(p, eq, PX_EPARSE, "exclusion '%s': 'equals' needs a value", id, NULL);
    } else {
        tmpl.op = above ? PX__BF_ABOVE : PX__BF_BELOW;
        if (parse_number(scalar(above ? above : below), &tmpl.number) != 0)
            return perr(p, above ? above : below, PX_EDOMAIN, "exclusion '%s': the bound must be a number",
                        id, NULL);
    }
    yaml_node_t *one = map_get(p, n, "use"), *many = map_get(p, n, "uses");
    size_t k = one ? 1 : seq_len(many);
    if ((one && many) || k == 0)
        return perr(p, n, PX_EPARSE, "exclusion '%s': give 'use' or a list 'uses'", id, NULL);
    char **ids = realloc(sc->rule_ids, (sc->n_rule_ids + 1) * sizeof *ids);
    if (!ids) return px__error(p->ctx, PX_ENOMEM, "out of memory");
    sc->rule_ids = ids;
    if (!(ids[sc->n_rule_ids] = px__strdup(id))) return px__error(p->ctx, PX_ENOMEM, "out of memory");
    sc->n_rule_ids++;
    px__bf_exclusion *ex = realloc(sc->exclusions, (sc->n_exclusions + k) * sizeof *ex);
    if (!ex) return px__error(p->ctx, PX_ENOMEM, "out of memory");
    sc->exclusions = ex;
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *un = one ? one : seq_at(p, many, i);
        int u = use_index(sc, scalar(un));
        if (u < 0) return perr(p, un, PX_EDOMAIN, "exclusion '%s': unknown use '%s'", id, scalar(un));
        px__bf_exclusion *e = &ex[sc->n_exclusions];
        *e = tmpl;
        e->use = (size_t)u;
        if (eq && !(e->text = px__strdup(scalar(eq)))) return px__error(p->ctx, PX_ENOMEM, "out of memory");
        sc->n_exclusions++;
    }
    return PX_OK;
}

/* `min_site_area_m2: N`: a site smaller than N m2 (criterion area_m2) is
 * excluded from every use by a rule named "site-area-below-N-m2", so that it
 * is listed with that reason and never ranked. */
static px_status min_area_rule(parse *p, yaml_node_t *n)
{
    px_bf_scenario *sc = p->sc;
    double min = 0;
    if (parse_number(scalar(n), &min) != 0 || !(min >= 0))
        return perr(p, n, PX_EDOMAIN, "min_site_area_m2 must be a number of square metres >= 0", NULL, NULL);
    int c = px__bf_criterion_index(sc, "area_m2");
    if (c < 0)
        return perr(p, n, PX_EDOMAIN, "min_site_area_m2 needs the criterion 'area_m2' in 'criteria'", NULL, NULL);
    char **ids = realloc(sc->rule_ids, (sc->n_rule_ids + 1) * sizeof *ids);
    if (!ids) return px__error(p->ctx, PX_ENOMEM, "out of memory");
    sc->rule_ids = ids;
    if (!(ids[sc->n_rule_ids] = px__asprintf("site-area-below-%g-m2", min)))
        return px__error(p->ctx, PX_ENOMEM, "out of memory");
    px__bf_exclusion *ex = realloc(sc->exclusions, (sc->n_exclusions + sc->n_uses) * sizeof *ex);
    if (!ex) return px__error(p->ctx, PX_ENOMEM, "out of memory");
    sc->exclusions = ex;
    /* First among the rules of each use, so that it is the reason given. */
    memmove(ex + sc->n_uses, ex, sc->n_exclusions * sizeof *ex);
    for (size_t u = 0; u < sc->n_uses; u++)
        ex[u] = (px__bf_exclusion){.rule = sc->n_rule_ids, .use = u, .criterion = (size_t)c, .op = PX__BF_BELOW,
                                   .number = min};
    sc->n_exclusions += sc->n_uses;
    sc->n_rule_ids++;
    sc->min_site_area_m2 = min;
    return PX_OK;
}

static px_status parse_root(parse *p, yaml_node_t *root)
{
    static const char *const keys[] = {"name", "description", "uses", "criteria", "exclusions", "min_site_area_m2",
                                       NULL};
    if (!root || root->type != YAML_MAPPING_NODE)
        return perr(p, root, PX_EPARSE, "a scenario must be a mapping with 'uses' and 'criteria'", NULL,
                    NULL);
    px_status rc = check_keys(p, root, keys);
    if (rc != PX_OK) return rc;
    const char *name = scalar(map_get(p, root, "name"));
    if (!(p->sc->name = px__strdup(name ? name : p->name)))
        return px__error(p->ctx, PX_ENOMEM, "out of memory");
    yaml_node_t *uses = map_get(p, root, "uses");
    if (!uses) return perr(p, root, PX_EPARSE, "missing 'uses'", NULL, NULL);
    if ((rc = parse_uses(p, uses)) != PX_OK) return rc;
    yaml_node_t *crit = map_get(p, root, "criteria");
    size_t k = seq_len(crit);
    if (k == 0)
        return perr(p, crit ? crit : root, PX_EPARSE, "'criteria' must be a non-empty list", NULL, NULL);
    p->sc->criteria = calloc(k, sizeof *p->sc->criteria);
    if (!p->sc->criteria) return px__error(p->ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < k; i++) {
        /* Count the criterion before parsing it so that the free path sees
         * whatever was allocated for it. */
        p->sc->n_criteria = i + 1;
        if ((rc = parse_criterion(p, seq_at(p, crit, i), &p->sc->criteria[i])) != PX_OK) return rc;
    }
    yaml_node_t *ex = map_get(p, root, "exclusions");
    if (ex && ex->type != YAML_SEQUENCE_NODE)
        return perr(p, ex, PX_EPARSE, "'exclusions' must be a list", NULL, NULL);
    for (size_t i = 0; i < seq_len(ex); i++)
        if ((rc = parse_exclusion(p, seq_at(p, ex, i))) != PX_OK) return rc;
    yaml_node_t *min = map_get(p, root, "min_site_area_m2");
    return min ? min_area_rule(p, min) : PX_OK;
}

px_status px_bf_scenario_parse(px_ctx *ctx, const char *text, size_t len, const char *name,
                               px_bf_scenario **out)
{
    if (!text || !out) return px__error(ctx, PX_EINVAL, "px_bf_scenario_parse: NULL argument");
    if (!name) name = "scenario";
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) return px__error(ctx, PX_ENOMEM, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        px_status st =
            px__error(ctx, PX_EPARSE, "%s:%lu: %s", name, (unsigned long)parser.problem_mark.line + 1,
                      parser.problem ? parser.problem : "YAML syntax error");
        yaml_parser_delete(&parser);
        return st;
    }
    px_bf_scenario *sc = calloc(1, sizeof *sc);
    parse p = {ctx, name, &doc, sc};
    px_status rc =
        sc ? parse_root(&p, yaml_document_get_root_node(&doc)) : px__error(ctx, PX_ENOMEM, "out of memory");
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc != PX_OK) {
        px_bf_scenario_free(sc);
        return rc;
    }
    *out = sc;
    return PX_OK;
}

px_status px_bf_scenario_read(px_ctx *ctx, const char *path, px_bf_scenario **out)
{
    if (!path || !out) return px__error(ctx, PX_EINVAL, "px_bf_scenario_read: NULL argument");
    FILE *f = fopen(path, "rb");
    if (!f) return px__error(ctx, PX_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    px_status rc = PX_OK;
    for (;;) {
        if (len + 4096 > cap) {
            cap = cap ? 2 * cap : 16384;
            char *nb = realloc(buf, cap);
            if (!nb) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    if (rc == PX_OK && ferror(f)) rc = px__error(ctx, PX_EIO, "%s: read error", path);
    fclose(f);
    if (rc == PX_OK) rc = px_bf_scenario_parse(ctx, buf, len, path, out);
    free(buf);
    return rc;
}

void px_bf_scenario_free(px_bf_scenario *sc)
{
    if (!sc) return;
    for (size_t c = 0; c < sc->n_criteria; c++) {
        px__bf_criterion *cr = &sc->criteria[c];
        free(cr->id);
        free(cr->thresholds);
        for (size_t b = 0; cr->categories && b < cr->n_bins; b++)
            free(cr->categories[b]);
        free(cr->categories);
        for (size_t u = 0; cr->rules && u < sc->n_uses; u++)
            free(cr->rules[u].ratings);
        free(cr->rules);
    }
    free(sc->criteria);
    for (size_t u = 0; u < sc->n_uses; u++)
        free(sc->uses[u]);
    free(sc->uses);
    for (size_t e = 0; e < sc->n_exclusions; e++)
        free(sc->exclusions[e].text);
    free(sc->exclusions);
    for (size_t r = 0; r < sc->n_rule_ids; r++)
        free(sc->rule_ids[r]);
    free(sc->rule_ids);
    free(sc->name);
    free(sc);
}

size_t px_bf_scenario_n_uses(const px_bf_scenario *sc)
{
    return sc ? sc->n_uses : 0;
}
const char *px_bf_scenario_use(const px_bf_scenario *sc, size_t i)
{
    return sc && i < sc->n_uses ? sc->uses[i] : "";
}
size_t px_bf_scenario_n_criteria(const px_bf_scenario *sc)
{
    return sc ? sc->n_criteria : 0;
}
const char *px_bf_scenario_criterion(const px_bf_scenario *sc, size_t i)
{
    return sc && i < sc->n_criteria ? sc->criteria[i].id : "";
}
int px_bf_scenario_criterion_is_text(const px_bf_scenario *sc, size_t i)
{
    return sc && i < sc->n_criteria ? sc->criteria[i].is_text : 0;
}
const char *px_bf_scenario_name(const px_bf_scenario *sc)
{
    return sc ? sc->name : "";
}
const char *px_bf_scenario_rule(const px_bf_scenario *sc, int i)
{
    return sc && i >= 0 && (size_t)i < sc->n_rule_ids ? sc->rule_ids[i] : "";
}
