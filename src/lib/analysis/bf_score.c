/*
 * The brownfield scoring engine: rate each raw value into its bin, weigh it,
 * sum advantages and constraints per use, apply the exclusion rules, pick
 * the best use and rank the sites per use. Pure arithmetic in a fixed order
 * over the scenario and the sites as given, so the same input gives the same
 * output bit for bit. Computing the raw values from the map is bf_run.c.
 */
#include "bf_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Bin of a raw value, or -1 when the value is missing (not filled). */
static int bin_of(const px__bf_criterion *c, const px_bf_value *v)
{
    if (c->is_text) {
        for (size_t b = 0; v->text && b < c->n_bins; b++)
            if (!strcmp(v->text, c->categories[b])) return (int)b;
        return -1;
    }
    if (isnan(v->number)) return -1;
    size_t b = 0;
    while (b + 1 < c->n_bins && v->number > c->thresholds[b])
        b++;
    return (int)b;
}

static int excluded_by(const px_bf_scenario *sc, size_t use, const px_bf_value *values)
{
    for (size_t e = 0; e < sc->n_exclusions; e++) {
        const px__bf_exclusion *ex = &sc->exclusions[e];
        if (ex->use != use) continue;
        const px_bf_value *v = &values[ex->criterion];
        int hit = 0;
        if (ex->op == PX__BF_EQUALS)
            hit = v->text && !strcmp(v->text, ex->text);
        else if (!isnan(v->number))
            hit = ex->op == PX__BF_ABOVE ? v->number > ex->number : v->number < ex->number;
        if (hit) return (int)ex->rule;
    }
    return -1;
}

static int is_whole(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

int px__bf_id_cmp(const char *a, const char *b)
{
    int na = is_whole(a), nb = is_whole(b);
    if (na && nb) {
        /* Compare as numbers without overflow: skip leading zeros, then the
         * longer digit string is the larger number. */
        while (*a == '0' && a[1]) a++;
        while (*b == '0' && b[1]) b++;
        size_t la = strlen(a), lb = strlen(b);
        if (la != lb) return la < lb ? -1 : 1;
        return strcmp(a, b);
    }
    if (na != nb) return na ? -1 : 1;
    return strcmp(a, b);
}

/* Ranking order for one use: index desc, then advantages desc (of two sites
 * with the same index, the one with more in its favour: at index 100, where
 * neither has a constraint, the site that meets more criteria well), then
 * reliability desc, then site id asc (as numbers when numeric). */
typedef struct rank_item {
    double index, advantages, reliability;
    const char *id;
    size_t site;
} rank_item;

static int cmp_rank(const void *a, const void *b)
{
    const rank_item *x = a, *y = b;
    if (x->index != y->index) return x->index > y->index ? -1 : 1;
    if (x->advantages != y->advantages) return x->advantages > y->advantages ? -1 : 1;
    if (x->reliability != y->reliability) return x->reliability > y->reliability ? -1 : 1;
    return px__bf_id_cmp(x->id, y->id);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static px_status check_sites(px_ctx *ctx, const px_bf_site *sites, size_t n_sites)
{
    for (size_t s = 0; s < n_sites; s++)
        if (!sites[s].id || !sites[s].values)
            return px__error(ctx, PX_EINVAL, "px_bf_score: site %zu has no id or no values", s);
    const char **ids = malloc((n_sites ? n_sites : 1) * sizeof *ids);
    if (!ids) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t s = 0; s < n_sites; s++)
        ids[s] = sites[s].id;
    qsort(ids, n_sites, sizeof *ids, cmp_str);
    px_status rc = PX_OK;
    for (size_t s = 1; s < n_sites; s++)
        if (!strcmp(ids[s], ids[s - 1])) {
            rc = px__error(ctx, PX_EDOMAIN, "brownfields:%s: site id used twice (ranks need unique ids)",
                           ids[s]);
            break;
        }
    free(ids);
    return rc;
}

static void score_site(const px_bf_scenario *sc, const px_bf_site *site, px_bf_use_result *ures,
                       px_bf_crit_result *cres)
{
    for (size_t u = 0; u < sc->n_uses; u++) {
        double adv = 0, con = 0;
        size_t total = 0, filled = 0;
        for (size_t c = 0; c < sc->n_criteria; c++) {
            const px__bf_criterion *cr = &sc->criteria[c];
            px_bf_crit_result *r = &cres[u * sc->n_criteria + c];
            *r = (px_bf_crit_result){0, 0, 0, 0, 0};
            if (!cr->rules[u].set) continue;
            r->applies = 1;
            r->weight = cr->rules[u].weight;
            total++;
            int b = bin_of(cr, &site->values[c]);
            if (b < 0) continue;
            filled++;
            r->filled = 1;
            r->rating = cr->rules[u].ratings[b];
            r->contribution = r->rating * r->weight;
            if (r->contribution > 0)
                adv += r->contribution;
            else
                con -= r->contribution;
        }
        px_bf_use_result *ur = &ures[u];
        ur->advantages = adv;
        ur->constraints = con;
        ur->index = adv + con > 0 ? adv / (adv + con) * 100.0 : 0.0;
        ur->reliability = total ? (double)filled / (double)total * 10.0 : 0.0;
        ur->excluded_rule = excluded_by(sc, u, site->values);
        ur->rank = 0;
    }
}

px_status px_bf_score(px_ctx *ctx, const px_bf_scenario *sc, const px_bf_site *sites, size_t n_sites,
                      px_bf_result **out)
{
    if (!sc || (!sites && n_sites) || !out) return px__error(ctx, PX_EINVAL, "px_bf_score: NULL argument");
    px_status rc = check_sites(ctx, sites, n_sites);
    if (rc != PX_OK) return rc;
    size_t nu = sc->n_uses, nc = sc->n_criteria, ns1 = n_sites ? n_sites : 1;
    px_bf_result *res = calloc(1, sizeof *res);
    rank_item *items = malloc(ns1 * sizeof *items);
    if (res) {
        res->uses = calloc(ns1 * nu, sizeof *res->uses);
        res->crit = calloc(ns1 * nu * nc, sizeof *res->crit);
        res->best_use = calloc(ns1, sizeof *res->best_use);
    }
    if (!res || !items || !res->uses || !res->crit || !res->best_use) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    res->n_sites = n_sites;
    res->n_uses = nu;
    res->n_criteria = nc;
    for (size_t s = 0; s < n_sites; s++) {
        score_site(sc, &sites[s], &res->uses[s * nu], &res->crit[s * nu * nc]);
        int best = -1;
        for (size_t u = 0; u < nu; u++) {
            const px_bf_use_result *ur = &res->uses[s * nu + u];
            if (ur->excluded_rule >= 0) continue;
            if (best < 0 || ur->index > res->uses[s * nu + (size_t)best].index) best = (int)u;
        }
        res->best_use[s] = best;
    }
    for (size_t u = 0; u < nu; u++) {
        size_t k = 0;
        for (size_t s = 0; s < n_sites; s++) {
            const px_bf_use_result *ur = &res->uses[s * nu + u];
            if (ur->excluded_rule < 0)
                items[k++] = (rank_item){ur->index, ur->advantages, ur->reliability, sites[s].id, s};
        }
        qsort(items, k, sizeof *items, cmp_rank);
        for (size_t i = 0; i < k; i++)
            res->uses[items[i].site * nu + u].rank = (int)i + 1;
    }
done:
    free(items);
    if (rc != PX_OK) {
        px_bf_result_free(res);
        return rc;
    }
    *out = res;
    return PX_OK;
}

void px_bf_result_free(px_bf_result *res)
{
    if (!res) return;
    free(res->uses);
    free(res->crit);
    free(res->best_use);
    free(res);
}
