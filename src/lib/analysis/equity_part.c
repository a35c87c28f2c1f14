/*
 * Split equity runs (`proxima equity --part K/N`): the inputs of one part
 * and writing its rows; the part that completes the set writes every
 * equity_* table from all the parts' rows.
 *
 * Exactness: with R the reach (catchment cutoff x fastest edge speed x
 * 1.001) and S the snapping distance, an origin's 2SFCA value sums the
 * ratios of the services within R + 2S of it, and each ratio sums the
 * residents within R + 2S of that service. With B the box of what the part
 * owns, it reads services within B + R + 2S, residents within B + 2R + 4S
 * and the network within B + 2R + 5S (everything those points may snap to).
 * Each catchment then meets the same residents in the same order (edges
 * and nodes keep the whole graph's order), so every sum adds the same terms
 * in the same order: the values are identical, not close. The services'
 * counts (n_supplies, n_supplies_unreached) are counted by the part owning
 * each service (the origins' rule applied to the service's point), and
 * summed at the merge. Everything over all communes (regional means,
 * ratios, underserved flags, ranks, Gini, Theil, Palma, FGT, Lorenz) is
 * computed at the merge by the whole run's own writer.
 */
#include "equity_run_int.h"
#include "../net/net_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REACH_FACTOR 1.001

static px_bbox grow(const px_bbox *b, double d) { return (px_bbox){b->minx - d, b->miny - d, b->maxx + d, b->maxy + d}; }

static void box_add(px_bbox *b, int *any, double x, double y)
{
    if (!*any) *b = (px_bbox){x, y, x, y};
    b->minx = fmin(b->minx, x), b->maxx = fmax(b->maxx, x);
    b->miny = fmin(b->miny, y), b->maxy = fmax(b->maxy, y);
    *any = 1;
}

px_status px__equity_part_inputs(px__eq_run *run, const px_equity_options *o)
{
    px_ctx *ctx = run->ctx;
    px_part_stats *st = &run->report.part;
    st->k = run->part_k;
    st->n = run->part_n;
    const char **keep = NULL;
    if (o->categories) {
        keep = calloc(o->n_categories + 1, sizeof *keep);
        if (!keep) return px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; i < o->n_categories; i++) keep[i] = o->categories[i];
    }
    px_layer_part part = {0};
    px_points own = {0};
    const px_bbox none = {0, 0, -1, -1};
    /* A read-only connection of the part's own: no lock while computing. */
    px_status rc = px_store_open(ctx, px_store_location(run->store), 1, &run->ro);
    if (rc == PX_OK) rc = px_layer_communes_read(ctx, run->ro, 1, &run->com);
    /* The categories of the whole layer, checked first (PX_EARG). */
    if (rc == PX_OK) rc = px_layer_services_read_in(ctx, run->ro, NULL, keep, run->com, &none, &run->svc);
    px_layer_points_free(&run->svc);
    if (rc == PX_OK) rc = px_layer_partition(ctx, run->ro, run->com, NULL, run->part_k, run->part_n, &part);
    double mps[PX_MODE_COUNT] = {0}, vmax = 0;
    if (rc == PX_OK) rc = px__net_max_speed(ctx, run->ro, mps);
    if (rc != PX_OK) goto done;
    for (int m = 0; m < PX_MODE_COUNT; m++)
        if ((run->modes >> m) & 1 && mps[m] > vmax) vmax = mps[m];
    double R = REACH_FACTOR * vmax * run->cutoff_s, S = run->snap_max_m;
    st->communes = (int64_t)part.n_communes;
    st->reach_m = R;
    st->buffer_m = 2 * R + 5 * S;
    /* B: the box of the origins and services the part owns. */
    px_bbox area = part.has_area ? part.area : none, B = none;
    int any = 0;
    if ((rc = px_layer_services_read_in(ctx, run->ro, NULL, keep, run->com, &area, &own)) != PX_OK) goto done;
    for (size_t i = 0; i < own.n; i++)
        if (px_layer_part_owns(&part, own.commune[i], own.x[i], own.y[i])) box_add(&B, &any, own.x[i], own.y[i]);
    px_layer_points_free(&own);
    if ((rc = px_layer_population_read_in(ctx, run->ro, NULL, run->com, 0, &area, &own)) != PX_OK) goto done;
    for (size_t i = 0; i < own.n; i++)
        if (px_layer_part_owns(&part, own.commune[i], own.x[i], own.y[i])) box_add(&B, &any, own.x[i], own.y[i]);
    px_layer_points_free(&own);
    px_bbox sbox = any ? grow(&B, R + 2 * S) : none, pbox = any ? grow(&B, 2 * R + 4 * S) : none;
    px_bbox ebox = any ? grow(&B, 2 * R + 5 * S) : none;
    rc = px_layer_services_read_in(ctx, run->ro, NULL, keep, run->com, &sbox, &run->svc);
    if (rc == PX_OK) rc = px_layer_population_read_in(ctx, run->ro, NULL, run->com, PX_LAYER_WITH_IDS, &pbox, &run->pop);
    if (rc != PX_OK) goto done;
    run->svc_owned = calloc(run->svc.n + 1, 1);
    run->pop_owned = calloc(run->pop.n + 1, 1);
    run->group = malloc((run->pop.n + 1) * sizeof *run->group);
    if (!run->svc_owned || !run->pop_owned || !run->group) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    st->destinations_read = (int64_t)run->svc.n;
    for (size_t j = 0; j < run->svc.n; j++) {
        run->svc_owned[j] = (uint8_t)px_layer_part_owns(&part, run->svc.commune[j], run->svc.x[j], run->svc.y[j]);
        st->destinations_in_part += run->svc_owned[j];
    }
    st->origins_read = (int64_t)run->pop.n;
    run->n_groups = run->com->n + 1;
    for (size_t i = 0; i < run->pop.n; i++) {
        run->pop_owned[i] = (uint8_t)px_layer_part_owns(&part, run->pop.commune[i], run->pop.x[i], run->pop.y[i]);
        st->origins_in_part += run->pop_owned[i];
        int k = run->pop.commune[i];
        run->group[i] = k >= 0 ? (uint32_t)k : (uint32_t)run->com->n;
    }
    run->cats = run->svc.cats;
    run->n_cats = run->svc.n_cat;
    if (run->n_cats == 0) {
        rc = px__error(ctx, PX_EDOMAIN, "services: no service has a category");
        goto done;
    }
    if (any) {
        rc = px__graph_load_box(ctx, run->ro, &ebox, PX__INDEX_ALL, &run->own_graph, &st->edges_total);
    } else {
        rc = px__graph_alloc(ctx, 0, 0, &run->own_graph);
        if (rc == PX_OK && px__graph_index(run->own_graph, PX__INDEX_ALL, 1) != PX_OK)
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    if (rc != PX_OK) goto done;
    run->g = run->own_graph;
    st->edges_read = run->g->n_edges;
    for (int32_t e = 0; any && e < run->g->n_edges; e++) {
        const double *a = &run->g->xy[2 * run->g->efrom[e]], *b = &run->g->xy[2 * run->g->eto[e]];
        st->edges_in_part += fmax(a[0], b[0]) >= B.minx && fmin(a[0], b[0]) <= B.maxx &&
                             fmax(a[1], b[1]) >= B.miny && fmin(a[1], b[1]) <= B.maxy;
    }
    px__log(ctx, PX_LOG_INFO,
            "equity: part %d/%d: %lld communes, %lld origins (%lld read), %lld services (%lld read), reach %.0f m, "
            "%lld edges read (%lld meet the part's box) of %lld",
            st->k, st->n, (long long)st->communes, (long long)st->origins_in_part, (long long)st->origins_read,
            (long long)st->destinations_in_part, (long long)st->destinations_read, R, (long long)st->edges_read,
            (long long)st->edges_in_part, (long long)st->edges_total);
done:
    px_layer_part_free(&part);
    px_layer_points_free(&own);
    free(keep);
    return rc;
}

/* ---- writing --------------------------------------------------------------- */

static char *signature(px__eq_run *run)
{
    char buf[3072];
    size_t n = (size_t)snprintf(buf, sizeof buf, "modes %u, threshold %.17g, bands", run->modes, run->threshold_min);
    for (size_t b = 0; b < run->n_bands && n < sizeof buf; b++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " %.17g:%.17g", run->bands[b].max_minutes, run->bands[b].weight);
    if (n < sizeof buf)
        n += (size_t)snprintf(buf + n, sizeof buf - n, ", underserved %.17g, snap %.17g, categories",
                              run->underserved_share, run->snap_max_m);
    for (size_t c = 0; c < run->n_cats && n < sizeof buf; c++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " %s", run->cats[c]);
    static const char *const inputs[] = {"communes", "population", "services", "net_edges", "net_nodes", NULL};
    return px__part_inputs_sig(run->ctx, run->ro, buf, inputs);
}

static px_status write_part(px__eq_run *run, const char *table, const char *note)
{
    px_ctx *ctx = run->ctx;
    size_t nr = run->n_modes * run->n_cats * 2, n = run->pop.n;
    px_column *cols = calloc(4 + nr, sizeof *cols);
    char (*names)[24] = calloc(nr + 1, sizeof *names);
    px_value *v = calloc(4 + nr, sizeof *v);
    px_table_writer *w = NULL;
    px_status rc = cols && names && v ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) {
        cols[0] = (px_column){"population_fid", PX_COL_INT};
        cols[1] = (px_column){"population_id", PX_COL_TEXT};
        cols[2] = (px_column){"commune_ix", PX_COL_INT};
        cols[3] = (px_column){"population", PX_COL_REAL};
        for (size_t k = 0; k < nr; k++) {
            snprintf(names[k], sizeof names[k], "v%zu", k);
            cols[4 + k] = (px_column){names[k], PX_COL_REAL};
        }
    }
    px_table_schema schema = {table, "result", PX_GEOM_NONE, 4 + nr, cols};
    if (rc == PX_OK) rc = px_store_table_create(run->store, &schema, &w);
    for (size_t i = 0; rc == PX_OK && i < n; i++) {
        if (!run->pop_owned[i]) continue;
        v[0] = PX_VALUE_INT(run->pop.fid[i]);
        v[1] = PX_VALUE_TEXT(run->pop.id[i]);
        v[2] = PX_VALUE_INT(run->pop.commune[i]);
        v[3] = PX_VALUE_REAL(run->pop.weight[i]);
        for (size_t k = 0; k < nr; k++) v[4 + k] = PX_VALUE_REAL((double)run->acc[k * n + i]);
        rc = px_table_writer_add(w, v, NULL, 0, NULL);
    }
    if (rc == PX_OK) {
        rc = px_table_writer_finish(w);
        w = NULL;
    }
    px_table_writer_abort(w);
    if (rc == PX_OK) rc = px_store_set_source(run->store, table, "proxima equity", "population", NULL, note);
    /* The services' counts of this part, per mode and category. */
    char st[80];
    snprintf(st, sizeof st, "%s_supplies", table);
    static const px_column scols[] = {{"run", PX_COL_INT}, {"n_supplies", PX_COL_INT}, {"n_unreached", PX_COL_INT}};
    px_table_schema ss = {st, "result", PX_GEOM_NONE, 3, scols};
    if (rc == PX_OK) rc = px_store_table_create(run->store, &ss, &w);
    for (size_t k = 0; rc == PX_OK && k < run->n_modes * run->n_cats; k++) {
        px_value sv[3] = {PX_VALUE_INT((int64_t)k), PX_VALUE_INT((int64_t)run->n_supplies[k]),
                          PX_VALUE_INT((int64_t)run->n_unreached[k])};
        rc = px_table_writer_add(w, sv, NULL, 0, NULL);
    }
    if (rc == PX_OK) {
        rc = px_table_writer_finish(w);
        w = NULL;
    }
    px_table_writer_abort(w);
    if (rc == PX_OK) rc = px_store_set_source(run->store, st, "proxima equity", "services", NULL, note);
    free(cols);
    free(names);
    free(v);
    return rc;
}

typedef struct row_ix {
    int64_t fid;
    size_t at;
} row_ix;

static int row_ix_cmp(const void *a, const void *b)
{
    const row_ix *p = a, *q = b;
    return p->fid < q->fid ? -1 : p->fid > q->fid;
}

/* Every part's rows into run->pop / group / acc in fid order, and the
 * services' counts summed. */
static px_status merge(px__eq_run *run, int64_t n_rows)
{
    px_ctx *ctx = run->ctx;
    size_t n = (size_t)n_rows, nr = run->n_modes * run->n_cats * 2, cap = n ? n : 1, at = 0;
    px_points p = {0};
    p.fid = malloc(cap * sizeof *p.fid);
    p.x = calloc(cap, sizeof *p.x);
    p.y = calloc(cap, sizeof *p.y);
    p.weight = malloc(cap * sizeof *p.weight);
    p.commune = malloc(cap * sizeof *p.commune);
    p.id = calloc(cap, sizeof *p.id);
    float *acc = malloc(cap * (nr ? nr : 1) * sizeof *acc), *acc2 = malloc(cap * (nr ? nr : 1) * sizeof *acc2);
    uint32_t *group = malloc(cap * sizeof *group);
    row_ix *ix = malloc(cap * sizeof *ix);
    size_t *sup = calloc(run->n_modes * run->n_cats + 1, sizeof *sup), *unr = calloc(run->n_modes * run->n_cats + 1, sizeof *unr);
    px_status rc = p.fid && p.x && p.y && p.weight && p.commune && p.id && acc && acc2 && group && ix && sup && unr
                       ? PX_OK
                       : px__error(ctx, PX_ENOMEM, "out of memory (%zu origins)", n);
    px_table_reader *r = NULL;
    char table[64], st[80];
    for (int part = 1; rc == PX_OK && part <= run->part_n; part++) {
        px__part_table(table, sizeof table, "equity", part, run->part_n);
        if ((rc = px_store_reader_open(run->store, table, NULL, 0, NULL, &r)) != PX_OK) break;
        if (px_table_reader_n_columns(r) != 4 + nr) {
            rc = px__error(ctx, PX_EDOMAIN, "%s: %s: not the columns of this run", px_store_path(run->store), table);
            break;
        }
        int has = 0;
        while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
            if (at >= n) {
                rc = px__error(ctx, PX_EDOMAIN, "%s: the parts changed while being merged", px_store_path(run->store));
                break;
            }
            const char *id = px_table_reader_text(r, 1);
            p.fid[at] = px_table_reader_int(r, 0);
            p.id[at] = id ? px__strdup(id) : NULL;
            int64_t ci = px_table_reader_is_null(r, 2) ? -1 : px_table_reader_int(r, 2);
            p.commune[at] = ci >= 0 && (size_t)ci < run->com->n ? (int32_t)ci : -1;
            p.weight[at] = px_table_reader_real(r, 3);
            for (size_t k = 0; k < nr; k++) acc[k * cap + at] = (float)px_table_reader_real(r, 4 + k);
            ix[at] = (row_ix){p.fid[at], at};
            if (id && !p.id[at]) rc = px__error(ctx, PX_ENOMEM, "out of memory");
            at++;
        }
        px_table_reader_close(r);
        r = NULL;
        snprintf(st, sizeof st, "%s_supplies", table);
        if (rc == PX_OK && (rc = px_store_reader_open(run->store, st, NULL, 0, NULL, &r)) == PX_OK) {
            while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
                int64_t k = px_table_reader_int(r, 0);
                if (k < 0 || (size_t)k >= run->n_modes * run->n_cats) continue;
                sup[k] += (size_t)px_table_reader_int(r, 1);
                unr[k] += (size_t)px_table_reader_int(r, 2);
            }
            px_table_reader_close(r);
            r = NULL;
        }
    }
    p.n = at;
    if (rc == PX_OK && at != n)
        rc = px__error(ctx, PX_EDOMAIN, "%s: the parts changed while being merged", px_store_path(run->store));
    if (rc == PX_OK) {
        qsort(ix, n, sizeof *ix, row_ix_cmp);
        for (size_t i = 1; i < n && rc == PX_OK; i++)
            if (ix[i].fid == ix[i - 1].fid)
                rc = px__error(ctx, PX_EDOMAIN, "%s: origin %lld is in two parts: run every part again",
                               px_store_path(run->store), (long long)ix[i].fid);
    }
    if (rc == PX_OK) {
        /* Permute into fid order: the whole run's order. */
        px_points q = {0};
        q.n = n;
        q.fid = malloc(cap * sizeof *q.fid);
        q.x = calloc(cap, sizeof *q.x);
        q.y = calloc(cap, sizeof *q.y);
        q.weight = malloc(cap * sizeof *q.weight);
        q.commune = malloc(cap * sizeof *q.commune);
        q.id = calloc(cap, sizeof *q.id);
        if (!q.fid || !q.x || !q.y || !q.weight || !q.commune || !q.id) {
            px_layer_points_free(&q);
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
        } else {
            for (size_t i = 0; i < n; i++) {
                size_t s = ix[i].at;
                q.fid[i] = p.fid[s];
                q.weight[i] = p.weight[s];
                q.commune[i] = p.commune[s];
                q.id[i] = p.id[s];
                p.id[s] = NULL;
                group[i] = q.commune[i] >= 0 ? (uint32_t)q.commune[i] : (uint32_t)run->com->n;
                for (size_t k = 0; k < nr; k++) acc2[k * n + i] = acc[k * cap + s];
            }
            px_layer_points_free(&run->pop);
            run->pop = q;
            free(run->group);
            run->group = group;
            group = NULL;
            free(run->acc);
            run->acc = acc2;
            acc2 = NULL;
            memcpy(run->n_supplies, sup, run->n_modes * run->n_cats * sizeof *sup);
            memcpy(run->n_unreached, unr, run->n_modes * run->n_cats * sizeof *unr);
        }
    }
    px_table_reader_close(r);
    px_layer_points_free(&p);
    free(acc);
    free(acc2);
    free(group);
    free(ix);
    free(sup);
    free(unr);
    return rc;
}

px_status px__equity_part_write(px__eq_run *run)
{
    px_ctx *ctx = run->ctx;
    px_part_stats *st = &run->report.part;
    char table[64];
    px__part_table(table, sizeof table, "equity", run->part_k, run->part_n);
    char *sig = signature(run);
    if (!sig) return PX_ENOMEM;
    char *note = px__asprintf("part %d/%d of proxima equity; %s", run->part_k, run->part_n, sig);
    px_status rc = note ? px__part_begin(ctx, run->store) : px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) rc = write_part(run, table, note);
    int64_t n_rows = 0;
    if (rc == PX_OK) rc = px__part_scan(run->store, "equity", run->part_n, sig, st, &n_rows);
    st->merged = 0;
    run->report.underserved_population = 0;
    if (rc == PX_OK && st->parts_present == run->part_n) {
        rc = merge(run, n_rows);
        if (rc == PX_OK) rc = px__equity_write_tables(run);
        if (rc == PX_OK) rc = px__part_drop_others(run->store, "equity", run->part_n);
        st->merged = rc == PX_OK;
    } else if (rc == PX_OK) {
        /* No table of the region until every part is in. */
        static const char *const tables[] = {"equity_origins", "equity_communes", "equity_summary",
                                             "equity_lorenz", "equity_underserved"};
        for (size_t k = 0; rc == PX_OK && k < 5; k++) rc = px_store_drop_table(run->store, tables[k]);
    }
    if (rc == PX_OK) rc = px_store_commit(run->store);
    else px_store_rollback(run->store);
    free(note);
    free(sig);
    return rc;
}
