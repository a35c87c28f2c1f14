/*
 * Split cycle runs (`proxima cycle --part K/N`). The network-wide analyses
 * (islands of low stress, the missing links ranked over the whole network)
 * cannot be cut by commune, so every part reads the whole project; what is
 * split is the coverage and connectivity of the residents: a part counts,
 * for the residents it owns (px_layer_partition), the destinations within
 * reach, searching only from the destinations placed within B + R + S + L
 * of them (B the box of its residents, R the low-stress search bound,
 * detour x distance, S the snapping distance, L the longest edge: a unit is
 * attached to the nearer end of its edge). Counts are whole numbers and the
 * scores the same arithmetic on them: identical to a whole run's.
 * The part that completes the set reads the project again, computes the
 * LTS, the islands and the missing links, takes coverage and connectivity
 * (with and without the planned links) from the parts' rows and writes
 * every table with the whole run's writer.
 */
#include "cycle_int.h"
#include "../net/net_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Part rows: origin fid, then per evaluation (base, what-if) covered,
 * score and the counts per category. */
static px_status write_part(px_ctx *ctx, px_store *store, const char *table, const char *note, const px__cinput *sub,
                            const px__ceval *ev, int n_ev)
{
    size_t nc = sub->n_cats, per = 2 + 2 * nc, ncol = 1 + (size_t)n_ev * per;
    px_column *cols = calloc(ncol, sizeof *cols);
    char (*names)[40] = calloc(ncol, sizeof *names);
    px_value *v = calloc(ncol, sizeof *v);
    px_table_writer *w = NULL;
    px_status rc = cols && names && v ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) {
        cols[0] = (px_column){"origin_fid", PX_COL_INT};
        size_t k = 1;
        for (int e = 0; e < n_ev; e++) {
            snprintf(names[k], sizeof names[k], "covered_%d", e);
            cols[k] = (px_column){names[k], PX_COL_INT}, k++;
            snprintf(names[k], sizeof names[k], "score_%d", e);
            cols[k] = (px_column){names[k], PX_COL_REAL}, k++;
            for (size_t c = 0; c < nc; c++) {
                snprintf(names[k], sizeof names[k], "all_%d_%zu", e, c);
                cols[k] = (px_column){names[k], PX_COL_INT}, k++;
                snprintf(names[k], sizeof names[k], "low_%d_%zu", e, c);
                cols[k] = (px_column){names[k], PX_COL_INT}, k++;
            }
        }
    }
    px_table_schema schema = {table, "result", PX_GEOM_NONE, ncol, cols};
    if (rc == PX_OK) rc = px_store_table_create(store, &schema, &w);
    for (size_t o = 0; rc == PX_OK && o < sub->n_origins; o++) {
        size_t k = 0;
        v[k++] = PX_VALUE_INT(sub->origins[o].fid);
        for (int e = 0; e < n_ev; e++) {
            v[k++] = PX_VALUE_INT(ev[e].covered[o]);
            v[k++] = isnan(ev[e].conn.score[o]) ? PX_VALUE_NULL : PX_VALUE_REAL(ev[e].conn.score[o]);
            for (size_t c = 0; c < nc; c++) {
                v[k++] = PX_VALUE_INT(ev[e].conn.n_all[o * nc + c]);
                v[k++] = PX_VALUE_INT(ev[e].conn.n_low[o * nc + c]);
            }
        }
        rc = px_table_writer_add(w, v, NULL, 0, NULL);
    }
    if (rc == PX_OK) {
        rc = px_table_writer_finish(w);
        w = NULL;
    }
    px_table_writer_abort(w);
    if (rc == PX_OK) rc = px_store_set_source(store, table, "proxima cycle", "population", NULL, note);
    free(cols), free(names), free(v);
    return rc;
}

static int fid_cmp(const void *a, const void *b)
{
    const px__corigin *p = a, *q = b;
    return p->fid < q->fid ? -1 : p->fid > q->fid;
}

/* Allocate an evaluation of n origins and nc categories. */
static int eval_alloc(px__ceval *e, size_t n, size_t nc)
{
    e->covered = calloc(n + 1, 1);
    e->conn.n_origins = n, e->conn.n_cats = nc;
    e->conn.n_all = calloc(n * nc + 1, sizeof *e->conn.n_all);
    e->conn.n_low = calloc(n * nc + 1, sizeof *e->conn.n_low);
    e->conn.score = malloc((n + 1) * sizeof *e->conn.score);
    return e->covered && e->conn.n_all && e->conn.n_low && e->conn.score;
}

/* Fill the evaluations of the whole project `in` from every part's rows. */
static px_status merge(px_ctx *ctx, px_store *store, int n_parts, const px__cinput *in, px__ceval *ev, int n_ev)
{
    size_t n = in->n_origins, nc = in->n_cats, per = 2 + 2 * nc;
    uint8_t *seen = calloc(n + 1, 1);
    px_status rc = seen ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    for (int e = 0; rc == PX_OK && e < n_ev; e++)
        if (!eval_alloc(&ev[e], n, nc)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    size_t got = 0;
    char table[64];
    for (int part = 1; rc == PX_OK && part <= n_parts; part++) {
        px__part_table(table, sizeof table, "cycle", part, n_parts);
        px_table_reader *r = NULL;
        if ((rc = px_store_reader_open(store, table, NULL, 0, NULL, &r)) != PX_OK) break;
        if (px_table_reader_n_columns(r) != 1 + (size_t)n_ev * per)
            rc = px__error(ctx, PX_EDOMAIN, "%s: %s: not the columns of this run", px_store_path(store), table);
        int has = 0;
        while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
            px__corigin key = {.fid = px_table_reader_int(r, 0)};
            const px__corigin *og = bsearch(&key, in->origins, n, sizeof *in->origins, fid_cmp);
            if (!og || seen[og - in->origins]) {
                rc = px__error(ctx, PX_EDOMAIN, "%s: %s: origin %lld %s: run every part again", px_store_path(store),
                               table, (long long)key.fid, og ? "is in two parts" : "is not in the project");
                break;
            }
            size_t o = (size_t)(og - in->origins), k = 1;
            seen[o] = 1, got++;
            for (int e = 0; e < n_ev; e++) {
                ev[e].covered[o] = (uint8_t)px_table_reader_int(r, k++);
                ev[e].conn.score[o] = px_table_reader_is_null(r, k) ? NAN : px_table_reader_real(r, k);
                k++;
                for (size_t c = 0; c < nc; c++) {
                    ev[e].conn.n_all[o * nc + c] = (uint32_t)px_table_reader_int(r, k++);
                    ev[e].conn.n_low[o * nc + c] = (uint32_t)px_table_reader_int(r, k++);
                }
            }
        }
        px_table_reader_close(r);
    }
    if (rc == PX_OK && got != n)
        rc = px__error(ctx, PX_EDOMAIN, "%s: the parts hold %zu of the %zu residents placed: run every part again",
                       px_store_path(store), got, n);
    free(seen);
    return rc;
}

static char *signature(px_ctx *ctx, px_store *ro, const px__cparams *p, const px_cycle_options *o,
                       const px__cinput *in)
{
    char buf[3072];
    size_t n = (size_t)snprintf(buf, sizeof buf,
                                "coverage %.17g, distance %.17g, detour %.17g, max lts %d, snap %.17g, links %s, "
                                "categories",
                                p->coverage_m, p->bike_distance_m, p->detour_ratio, p->max_low_stress, p->snap_m,
                                o->add_links ? o->add_links : "-");
    for (size_t c = 0; c < in->n_cats && n < sizeof buf; c++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " %s=%.17g", in->cat_names[c], in->cat_weights[c]);
    static const char *const inputs[] = {"communes", "population", "services", "roads", "cycle_routes",
                                         "net_edges", "net_nodes", NULL};
    return px__part_inputs_sig(ctx, ro, buf, inputs);
}

px_status px__cycle_part_run(px_ctx *ctx, px_store *store, const px__cparams *p, const px_cycle_options *opts,
                             px_cycle_report *report)
{
    px_cycle_report rep = {.score = -1, .score_whatif = -1, .covered_whatif = -1};
    px_part_stats *st = &rep.part;
    st->k = opts->part_k, st->n = opts->part_n;
    px_store *ro = NULL;
    px__cproject pr = {0}, whole = {0};
    px_communes *com = NULL;
    px_layer_part part = {0};
    px__ceval ev[2] = {{0}}, mev[2] = {{0}};
    px__cresults res = {0};
    px__cinput sub = {0};
    char *sig = NULL, *note = NULL;
    int n_ev = opts->add_links ? 2 : 1;
    /* Everything is read through a read-only connection: no lock while computing. */
    px_status rc = px_store_open(ctx, px_store_location(store), 1, &ro);
    if (rc == PX_OK) rc = px__cproject_load(ctx, ro, p, opts, &pr);
    if (rc == PX_OK) rc = px_layer_communes_read(ctx, ro, 0, &com);
    if (rc == PX_OK) rc = px_layer_partition(ctx, ro, com, NULL, opts->part_k, opts->part_n, &part);
    if (rc != PX_OK) goto done;
    px__cinput *in = &pr.in;
    sub = *in;
    sub.origins = malloc((in->n_origins + 1) * sizeof *sub.origins);
    sub.dests = malloc((in->n_dests + 1) * sizeof *sub.dests);
    if (!sub.origins || !sub.dests) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    sub.n_origins = sub.n_dests = 0;
    px_bbox B = {0, 0, -1, -1};
    for (size_t o = 0; o < in->n_origins; o++) {
        const px__corigin *og = &in->origins[o];
        if (!px_layer_part_owns(&part, og->commune, og->x, og->y)) continue;
        if (!sub.n_origins) B = (px_bbox){og->x, og->y, og->x, og->y};
        B.minx = fmin(B.minx, og->x), B.maxx = fmax(B.maxx, og->x);
        B.miny = fmin(B.miny, og->y), B.maxy = fmax(B.maxy, og->y);
        sub.origins[sub.n_origins++] = *og;
    }
    double lmax = 0;
    for (size_t e = 0; e < in->g->n_edges; e++) lmax = fmax(lmax, in->g->e_len[e]);
    double reach = p->bike_distance_m * fmax(p->detour_ratio, 1.0) * 1.001;
    double d = reach + p->snap_m + lmax + 1.0;
    for (size_t k = 0; sub.n_origins && k < in->n_dests; k++) {
        double x = in->g->x[in->dests[k].node], y = in->g->y[in->dests[k].node];
        if (x >= B.minx - d && x <= B.maxx + d && y >= B.miny - d && y <= B.maxy + d) sub.dests[sub.n_dests++] = in->dests[k];
    }
    st->communes = (int64_t)part.n_communes;
    st->reach_m = reach;
    st->buffer_m = d;
    st->origins_read = (int64_t)in->n_origins;
    st->origins_in_part = (int64_t)sub.n_origins;
    st->destinations_read = (int64_t)in->n_dests;
    st->destinations_in_part = (int64_t)sub.n_dests;
    st->edges_read = st->edges_total = (int64_t)in->g->n_edges;
    for (size_t e = 0; sub.n_origins && e < in->g->n_edges; e++) {
        double x0 = in->g->x[in->g->e_from[e]], x1 = in->g->x[in->g->e_to[e]];
        double y0 = in->g->y[in->g->e_from[e]], y1 = in->g->y[in->g->e_to[e]];
        st->edges_in_part += fmax(x0, x1) >= B.minx && fmin(x0, x1) <= B.maxx && fmax(y0, y1) >= B.miny &&
                             fmin(y0, y1) <= B.maxy;
    }
    if ((rc = px__cycle_evaluate(ctx, &sub, p, &ev[0])) != PX_OK) goto done;
    if (opts->add_links) {
        size_t n_added = 0;
        if ((rc = px__cycle_add_links(ctx, ro, in, opts->add_links, 100.0, &n_added)) != PX_OK) goto done;
        sub.g = in->g;
        if ((rc = px__cycle_evaluate(ctx, &sub, p, &ev[1])) != PX_OK) goto done;
    }
    px__log(ctx, PX_LOG_INFO,
            "cycle: part %d/%d: %lld communes, %zu of %zu residents' units, searches from %zu of %zu destinations",
            st->k, st->n, (long long)st->communes, sub.n_origins, in->n_origins, sub.n_dests, in->n_dests);
    if (!(sig = signature(ctx, ro, p, opts, in))) {
        rc = PX_ENOMEM;
        goto done;
    }
    char table[64];
    px__part_table(table, sizeof table, "cycle", opts->part_k, opts->part_n);
    note = px__asprintf("part %d/%d of proxima cycle; %s", opts->part_k, opts->part_n, sig);
    rc = note ? px__part_begin(ctx, store) : px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) rc = write_part(ctx, store, table, note, &sub, ev, n_ev);
    int64_t n_rows = 0;
    if (rc == PX_OK) rc = px__part_scan(store, "cycle", opts->part_n, sig, st, &n_rows);
    if (rc == PX_OK && st->parts_present == opts->part_n) {
        /* The whole project again, in this transaction, as a whole run reads it. */
        if ((rc = px__cproject_load(ctx, store, p, opts, &whole)) != PX_OK) goto write_done;
        px__cinput *w = &whole.in;
        if ((rc = px__cycle_islands(ctx, w, p, &res.isl)) != PX_OK) goto write_done;
        if ((rc = merge(ctx, store, opts->part_n, w, mev, n_ev)) != PX_OK) goto write_done;
        res.base = mev[0];
        memset(&mev[0], 0, sizeof mev[0]);
        if ((rc = px__cycle_links(ctx, w, p, &res.isl, &res.links)) != PX_OK) goto write_done;
        res.n_edges_before_whatif = w->g->n_edges;
        if (opts->add_links) {
            if ((rc = px__cycle_add_links(ctx, store, w, opts->add_links, 100.0, &res.n_added)) != PX_OK)
                goto write_done;
            res.whatif = mev[1];
            memset(&mev[1], 0, sizeof mev[1]);
            res.has_whatif = 1;
        }
        if ((rc = px__cycle_write_tables(ctx, store, &whole, p, &res)) != PX_OK) goto write_done;
        rc = px__cycle_report_fill(ctx, w, &res, &rep);
        if (rc == PX_OK) rc = px__part_drop_others(store, "cycle", opts->part_n);
        st->merged = rc == PX_OK;
    } else if (rc == PX_OK) {
        /* No region table until every part is in. */
        static const char *const tables[] = {"net_edge_lts",       "cycle_islands",       "cycle_coverage",
                                             "cycle_connectivity", "cycle_connectivity_origins",
                                             "cycle_missing_links", "cycle_whatif"};
        for (size_t k = 0; rc == PX_OK && k < sizeof tables / sizeof tables[0]; k++)
            rc = px_store_drop_table(store, tables[k]);
    }
write_done:
    if (rc == PX_OK) rc = px_store_commit(store);
    else px_store_rollback(store);
    if (rc == PX_OK && report) *report = rep;
done:
    for (int e = 0; e < 2; e++) px__ceval_clear(&ev[e]), px__ceval_clear(&mev[e]);
    px__cislands_clear(&res.isl);
    px__ceval_clear(&res.base);
    px__ceval_clear(&res.whatif);
    px__clinks_clear(&res.links);
    free(sub.origins);
    free(sub.dests);
    px__cproject_clear(&pr);
    px__cproject_clear(&whole);
    px_layer_part_free(&part);
    px_layer_communes_free(com);
    px_store_close(ro);
    free(sig);
    free(note);
    return rc;
}
