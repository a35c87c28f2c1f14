/*
 * px_runs_compare_write: the changes between two runs as a map layer. One
 * row per commune of the `communes` layer with its geometry, the number of
 * values that changed, and one column per changed indicator holding B - A.
 * The comparison itself is SQL (store_runs.c); this file shapes the table.
 */
#include "run_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 1900 /* SQLite's default limit is 2000 columns */

/* d_<table>_<key values>_<indicator>, lowercase ASCII, other characters '_'. */
static char *column_name(const px_run_change *c)
{
    char *vals = px__strdup(c->key);
    if (!vals) return NULL;
    /* "mode=walk;category=food" -> "walk_food" */
    char *w = vals;
    int in_value = 0;
    for (const char *r = c->key; *r; r++) {
        if (*r == '=')
            in_value = 1;
        else if (*r == ';') {
            in_value = 0;
            *w++ = '_';
        } else if (in_value)
            *w++ = *r;
    }
    *w = '\0';
    char *s = px__asprintf("d_%s_%s%s%s", c->table, vals, *vals ? "_" : "", c->indicator);
    free(vals);
    for (char *p = s; p && *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
        else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            *p = '_';
    }
    return s;
}

px_status px_runs_compare_write(px_ctx *ctx, px_store *store, const px_run_change *changes, size_t n)
{
    if (!ctx) return PX_EINVAL;
    if (!store || (n && !changes)) return px__error(ctx, PX_EINVAL, "px_runs_compare_write: NULL argument");
    if (!px_store_has_table(store, "communes"))
        return px__error(ctx, PX_ENOTFOUND, "%s: no communes layer to map the changes on",
                         px_store_path(store));
    px_status rc = PX_OK;
    char **names = calloc(n + 1, sizeof *names);
    size_t *col_of = calloc(n + 1, sizeof *col_of);
    size_t n_cols = 0;
    px_column *cols = calloc(MAX_COLS + 4, sizeof *cols);
    px_value *vals = calloc(MAX_COLS + 4, sizeof *vals);
    char **uniq = calloc(MAX_COLS + 1, sizeof *uniq);
    px_table_reader *r = NULL;
    px_table_writer *w = NULL;
    if (!names || !col_of || !cols || !vals || !uniq) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    size_t dropped = 0;
    for (size_t i = 0; rc == PX_OK && i < n; i++) {
        col_of[i] = SIZE_MAX;
        if (!(names[i] = column_name(&changes[i]))) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t k = 0; rc == PX_OK && k < n_cols && col_of[i] == SIZE_MAX; k++)
            if (!strcmp(uniq[k], names[i])) col_of[i] = k;
        if (rc == PX_OK && col_of[i] == SIZE_MAX) {
            if (n_cols == MAX_COLS) {
                dropped++;
                continue;
            }
            uniq[n_cols] = names[i];
            col_of[i] = n_cols++;
        }
    }
    if (dropped)
        px__log(ctx, PX_LOG_WARN, "compare: %zu changes beyond %d columns left out of run_compare", dropped,
                MAX_COLS);
    cols[0] = (px_column){"commune_id", PX_COL_TEXT};
    cols[1] = (px_column){"commune_name", PX_COL_TEXT};
    cols[2] = (px_column){"n_changed", PX_COL_INT};
    for (size_t k = 0; k < n_cols; k++)
        cols[3 + k] = (px_column){uniq[k], PX_COL_REAL};
    px_table_schema schema = {"run_compare", "result", PX_GEOM_MULTIPOLYGON, 3 + n_cols, cols};
    static const char *const ccols[] = {"id", "name", NULL};
    if (rc == PX_OK) rc = px_store_reader_open(store, "communes", ccols, 1, NULL, &r);
    if (rc == PX_OK) rc = px_store_table_create(store, &schema, &w);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        const char *id = px_table_reader_text(r, 0);
        int64_t n_changed = 0;
        for (size_t k = 0; k < n_cols; k++)
            vals[3 + k] = PX_VALUE_NULL;
        for (size_t i = 0; id && i < n; i++) {
            if (strcmp(changes[i].commune_id, id)) continue;
            n_changed++;
            if (col_of[i] == SIZE_MAX) continue;
            vals[3 + col_of[i]] = changes[i].has_a && changes[i].has_b
                                      ? PX_VALUE_REAL(changes[i].b - changes[i].a)
                                      : PX_VALUE_NULL;
        }
        vals[0] = PX_VALUE_TEXT(id);
        vals[1] = PX_VALUE_TEXT(px_table_reader_text(r, 1));
        vals[2] = PX_VALUE_INT(n_changed);
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        rc = px_table_writer_add(w, vals, wkb, len, NULL);
    }
    if (rc == PX_OK) {
        rc = px_table_writer_finish(w);
        w = NULL;
    }
    px_table_writer_abort(w);
    px_table_reader_close(r);
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    free(col_of);
    free(cols);
    free(vals);
    free(uniq);
    return rc;
}
