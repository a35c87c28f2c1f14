/*
 * The tables of a service what-if (services_whatif_communes, _origins,
 * _summary, and the modified services layer when asked), written in one
 * store transaction: all or nothing. Column names and the region row follow
 * README "Result tables".
 */
#include "svc_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static px_value real_or_null(double v)
{
    return isfinite(v) ? PX_VALUE_REAL(v) : PX_VALUE_NULL;
}

static px_status finish(px_table_writer *w, px_status rc)
{
    if (!w) return rc;
    if (rc == PX_OK) return px_table_writer_finish(w);
    px_table_writer_abort(w);
    return rc;
}

static px_status write_communes(px__svc_run *r)
{
    static const px_column cols[] = {{"commune_id", PX_COL_TEXT},        {"commune_name", PX_COL_TEXT},
                                     {"mode", PX_COL_TEXT},              {"category", PX_COL_TEXT},
                                     {"residents_gaining", PX_COL_REAL}, {"residents_losing", PX_COL_REAL},
                                     {"share_before", PX_COL_REAL},      {"share_after", PX_COL_REAL},
                                     {"residents_before", PX_COL_REAL},  {"residents_after", PX_COL_REAL}};
    size_t nc = r->com ? r->com->n : 0, n = r->pop.n;
    double *acc = calloc(4 * (nc + 1), sizeof *acc); /* pop, gain, lose, in_before, in_after per commune */
    double *acc2 = calloc(nc + 1, sizeof *acc2);
    px_table_writer *w = NULL;
    px_status rc = acc && acc2 ? PX_OK : px__error(r->ctx, PX_ENOMEM, "out of memory");
    px_table_schema schema = {"services_whatif_communes", "result", PX_GEOM_MULTIPOLYGON, 10, cols};
    if (rc == PX_OK) rc = px_store_table_create(r->store, &schema, &w);
    for (int m = 0; rc == PX_OK && m < PX_MODE_COUNT; m++) {
        if (!r->rep.run[m]) continue;
        memset(acc, 0, 4 * (nc + 1) * sizeof *acc);
        memset(acc2, 0, (nc + 1) * sizeof *acc2);
        for (size_t i = 0; i < n; i++) {
            int32_t c = r->pop.commune[i];
            double wgt = r->pop.weight[i];
            size_t slots[2] = {nc, c >= 0 ? (size_t)c : nc};
            for (int k = 0; k < (c >= 0 ? 2 : 1); k++) {
                double *a = &acc[4 * slots[k]];
                a[0] += wgt;
                a[1] += r->change[m][i] > 0 ? wgt : 0;
                a[2] += r->change[m][i] < 0 ? wgt : 0;
                a[3] += r->in_before[m][i] ? wgt : 0;
                acc2[slots[k]] += r->in_after[m][i] ? wgt : 0;
            }
        }
        for (size_t c = 0; rc == PX_OK && c <= nc; c++) {
            int region = c == nc;
            double *a = &acc[4 * c];
            px_value v[10] = {PX_VALUE_TEXT(region ? PX_LAYER_REGION_ID : r->com->id[c]),
                             PX_VALUE_TEXT(region ? PX_LAYER_REGION_NAME : r->com->name[c]),
                             PX_VALUE_TEXT(px_mode_name((px_mode)m)),
                             PX_VALUE_TEXT(r->category),
                             PX_VALUE_REAL(a[1]),
                             PX_VALUE_REAL(a[2]),
                             a[0] > 0 ? PX_VALUE_REAL(a[3] / a[0]) : PX_VALUE_NULL,
                             a[0] > 0 ? PX_VALUE_REAL(acc2[c] / a[0]) : PX_VALUE_NULL,
                             PX_VALUE_REAL(a[3]),
                             PX_VALUE_REAL(acc2[c])};
            rc = px_table_writer_add(w, v, region ? NULL : r->com->wkb[c], region ? 0 : r->com->wkb_len[c], NULL);
        }
    }
    rc = finish(w, rc);
    free(acc);
    free(acc2);
    return rc;
}

static px_status write_origins(px__svc_run *r)
{
    static const px_column cols[] = {{"population_fid", PX_COL_INT},
                                     {"commune_id", PX_COL_TEXT},
                                     {"mode", PX_COL_TEXT},
                                     {"category", PX_COL_TEXT},
                                     {"change", PX_COL_INT}};
    px_table_writer *w = NULL;
    px_table_schema schema = {"services_whatif_origins", "result", PX_GEOM_NONE, 5, cols};
    px_status rc = px_store_table_create(r->store, &schema, &w);
    for (int m = 0; rc == PX_OK && m < PX_MODE_COUNT; m++) {
        if (!r->rep.run[m]) continue;
        for (size_t i = 0; rc == PX_OK && i < r->pop.n; i++) {
            if (!r->change[m][i]) continue;
            int32_t c = r->pop.commune[i];
            px_value v[5] = {PX_VALUE_INT(r->pop.fid[i]), c >= 0 ? PX_VALUE_TEXT(r->com->id[c]) : PX_VALUE_NULL,
                             PX_VALUE_TEXT(px_mode_name((px_mode)m)), PX_VALUE_TEXT(r->category),
                             PX_VALUE_INT(r->change[m][i])};
            rc = px_table_writer_add(w, v, NULL, 0, NULL);
        }
    }
    return finish(w, rc);
}

static px_status write_summary(px__svc_run *r)
{
    static const px_column cols[] = {
        {"mode", PX_COL_TEXT},         {"category", PX_COL_TEXT},        {"n_added", PX_COL_INT},
        {"n_closed", PX_COL_INT},      {"n_moved", PX_COL_INT},          {"residents_gaining", PX_COL_REAL},
        {"residents_losing", PX_COL_REAL}, {"share_before", PX_COL_REAL}, {"share_after", PX_COL_REAL},
        {"fca_mean_before", PX_COL_REAL}, {"fca_mean_after", PX_COL_REAL}, {"gini_before", PX_COL_REAL},
        {"gini_after", PX_COL_REAL},   {"palma_before", PX_COL_REAL},   {"palma_after", PX_COL_REAL}};
    px_table_writer *w = NULL;
    px_table_schema schema = {"services_whatif_summary", "result", PX_GEOM_NONE, 15, cols};
    px_status rc = px_store_table_create(r->store, &schema, &w);
    for (int m = 0; rc == PX_OK && m < PX_MODE_COUNT; m++) {
        if (!r->rep.run[m]) continue;
        const px_whatif_mode *s = &r->rep.m[m];
        px_value v[15] = {PX_VALUE_TEXT(px_mode_name((px_mode)m)), PX_VALUE_TEXT(r->category),
                          PX_VALUE_INT((int64_t)r->rep.n_added), PX_VALUE_INT((int64_t)r->rep.n_closed),
                          PX_VALUE_INT((int64_t)r->rep.n_moved), PX_VALUE_REAL(s->residents_gaining),
                          PX_VALUE_REAL(s->residents_losing), real_or_null(s->share_before),
                          real_or_null(s->share_after), real_or_null(s->fca_mean_before),
                          real_or_null(s->fca_mean_after), real_or_null(s->gini_before),
                          real_or_null(s->gini_after), real_or_null(s->palma_before),
                          real_or_null(s->palma_after)};
        rc = px_table_writer_add(w, v, NULL, 0, NULL);
    }
    return finish(w, rc);
}

static px_status write_layer(px__svc_run *r, const char *name)
{
    static const px_column cols[] = {{"id", PX_COL_TEXT}, {"category", PX_COL_TEXT}, {"capacity", PX_COL_REAL}};
    px_table_writer *w = NULL;
    px_table_schema schema = {name, "layer", PX_GEOM_POINT, 3, cols};
    px_status rc = px_store_table_create(r->store, &schema, &w);
    size_t ns = r->svc.n;
    char buf[32];
    for (size_t k = 0; rc == PX_OK && k < ns + r->n_new; k++) {
        int old = k < ns;
        if (old && r->removed[k]) continue;
        const char *id = old ? r->svc.id[k] : r->new_id[k - ns];
        if (!id) {
            snprintf(buf, sizeof buf, "%lld", (long long)r->svc.fid[k]);
            id = buf;
        }
        unsigned char *wkb = NULL;
        size_t len = 0;
        rc = px__point_wkb(r->ctx, old ? r->svc.x[k] : r->new_x[k - ns], old ? r->svc.y[k] : r->new_y[k - ns], &wkb, &len);
        px_value v[3] = {PX_VALUE_TEXT(id), PX_VALUE_TEXT(r->category),
                         PX_VALUE_REAL(old ? r->svc.weight[k] : r->new_cap[k - ns])};
        if (rc == PX_OK) rc = px_table_writer_add(w, v, wkb, len, NULL);
        px__wkb_free(r->ctx, wkb);
    }
    return finish(w, rc);
}

px_status px__svc_whatif_write(px__svc_run *r, const char *save_layer)
{
    if (save_layer && (!*save_layer || strspn(save_layer, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(save_layer)))
        return px__error(r->ctx, PX_EARG, "services: layer name '%s': want [a-z0-9_]+", save_layer);
    static const char *const inputs[] = {"services", "population", "communes", "roads", "cycle_routes",
                                         "net_nodes", "net_edges", NULL};
    for (size_t i = 0; save_layer && inputs[i]; i++)
        if (!strcmp(save_layer, inputs[i]))
            return px__error(r->ctx, PX_EARG, "services: will not write the scenario over the input layer '%s'",
                             save_layer);
    px_status rc = px_store_begin(r->store);
    if (rc != PX_OK) return rc;
    rc = write_communes(r);
    if (rc == PX_OK) rc = write_origins(r);
    if (rc == PX_OK) rc = write_summary(r);
    if (rc == PX_OK && save_layer) rc = write_layer(r, save_layer);
    if (rc == PX_OK) rc = px_store_commit(r->store);
    else px_store_rollback(r->store);
    return rc;
}
