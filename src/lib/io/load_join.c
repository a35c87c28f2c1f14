/*
 * Attribute joins: a small table (e.g. the commune population CSV) read
 * whole through GDAL, sorted by its key and looked up by exact text match
 * for each feature of the source it joins to. Keys are compared as text
 * (no case folding, no trimming): a near-miss shows as a warning, not a
 * silent guess. Meant for tables of thousands of rows, not millions.
 */
#include "io_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct join_row {
    char *key;
    char **values; /* one per join column; NULL for unset */
} join_row;

struct px__join_table {
    size_t n_rows, n_cols;
    join_row *rows;
};

static int cmp_rows(const void *a, const void *b)
{
    return strcmp(((const join_row *)a)->key, ((const join_row *)b)->key);
}

void px__join_free(px__join_table *t)
{
    if (!t) return;
    for (size_t r = 0; r < t->n_rows; r++) {
        free(t->rows[r].key);
        for (size_t c = 0; c < t->n_cols; c++)
            free(t->rows[r].values[c]);
        free(t->rows[r].values);
    }
    free(t->rows);
    free(t);
}

px_status px__join_open(px_ctx *ctx, const px__join *j, px__join_table **out)
{
    GDALDatasetH ds = NULL;
    px_status rc = px__ogr_open(ctx, j->path, j->source_text, &ds);
    if (rc != PX_OK) return rc;
    px__join_table *t = calloc(1, sizeof *t);
    int *idx = calloc(j->n_columns + 1, sizeof *idx);
    OGRLayerH lyr = j->layer ? GDALDatasetGetLayerByName(ds, j->layer) : GDALDatasetGetLayer(ds, 0);
    if (!t || !idx) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    t->n_cols = j->n_columns;
    if (!lyr) {
        rc = px__error(ctx, PX_ENOTFOUND, "%s: no layer '%s' to join", j->source_text,
                       j->layer ? j->layer : "(first)");
        goto done;
    }
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(lyr);
    int key_idx = OGR_FD_GetFieldIndex(fd, j->key);
    if (key_idx < 0) {
        rc = px__error(ctx, PX_ENOTFOUND, "%s:%s: join key field '%s' does not exist", j->source_text,
                       OGR_L_GetName(lyr), j->key);
        goto done;
    }
    for (size_t c = 0; c < j->n_columns; c++) {
        idx[c] = OGR_FD_GetFieldIndex(fd, j->join_fields[c]);
        if (idx[c] < 0) {
            rc = px__error(ctx, PX_ENOTFOUND, "%s:%s: field '%s' (joined into %s) does not exist",
                           j->source_text, OGR_L_GetName(lyr), j->join_fields[c], j->columns[c]);
            goto done;
        }
    }
    size_t cap = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(lyr);
    while (rc == PX_OK && (f = OGR_L_GetNextFeature(lyr))) {
        if (OGR_F_IsFieldSetAndNotNull(f, key_idx)) {
            if (t->n_rows == cap) {
                size_t nc = cap ? 2 * cap : 64;
                join_row *nr = realloc(t->rows, nc * sizeof *nr);
                if (!nr)
                    rc = px__error(ctx, PX_ENOMEM, "out of memory");
                else {
                    t->rows = nr;
                    cap = nc;
                }
            }
            if (rc == PX_OK) {
                join_row *r = &t->rows[t->n_rows++];
                r->key = px__strdup(OGR_F_GetFieldAsString(f, key_idx));
                r->values = calloc(j->n_columns + 1, sizeof *r->values);
                if (!r->key || !r->values) rc = px__error(ctx, PX_ENOMEM, "out of memory");
                for (size_t c = 0; rc == PX_OK && c < j->n_columns; c++)
                    if (OGR_F_IsFieldSetAndNotNull(f, idx[c]) &&
                        !(r->values[c] = px__strdup(OGR_F_GetFieldAsString(f, idx[c]))))
                        rc = px__error(ctx, PX_ENOMEM, "out of memory");
                if (rc == PX_OK && (!px__utf8_valid(r->key)))
                    rc = px__error(ctx, PX_EDOMAIN, "%s:%s:%lld: join key is not valid UTF-8", j->source_text,
                                   OGR_L_GetName(lyr), (long long)OGR_F_GetFID(f));
            }
        }
        OGR_F_Destroy(f);
    }
    if (rc == PX_OK && t->n_rows) qsort(t->rows, t->n_rows, sizeof *t->rows, cmp_rows);
done:
    free(idx);
    GDALClose(ds);
    if (rc != PX_OK) {
        px__join_free(t);
        return rc;
    }
    *out = t;
    return PX_OK;
}

const char *const *px__join_lookup(const px__join_table *t, const char *key)
{
    join_row probe = {.key = (char *)key};
    const join_row *r = t->n_rows ? bsearch(&probe, t->rows, t->n_rows, sizeof *t->rows, cmp_rows) : NULL;
    return r ? (const char *const *)r->values : NULL;
}
