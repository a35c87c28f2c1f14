/*
 * One statement on either backend, with typed parameters and typed result
 * columns: what the run records (pg_runs.c) and `copy` (store_copy.c) need
 * for the few small tables that are not layers (px_meta, px_tables,
 * px_run_*). SQL is written with SQLite's numbered parameters (?1, ?2...);
 * on PostgreSQL they become $1, $2... (outside quoted text). Values cross as
 * px_value: a REAL goes to PostgreSQL as the shortest text that reads back
 * as the same double, and comes back the same way, so nothing is rounded.
 * Not for large tables: every row of the result is held in memory.
 */
#include "store_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void px__rows_free(px__rows *r)
{
    if (!r) return;
    for (size_t i = 0; r->cells && i < r->n_rows * r->n_cols; i++)
        if (r->cells[i].type == PX_COL_TEXT && !r->cells[i].is_null) free((char *)r->cells[i].v.s);
    free(r->cells);
    memset(r, 0, sizeof *r);
}

/* ?N -> $N outside single-quoted text and double-quoted names. Caller-frees. */
static char *pg_params(const char *sql)
{
    char *out = malloc(strlen(sql) + 1);
    if (!out) return NULL;
    char *w = out;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote) quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
            *w++ = '$';
            continue;
        }
        *w++ = *p;
    }
    *w = 0;
    return out;
}

/* A value as PostgreSQL text (*buf holds numbers); NULL for NULL. */
static const char *pg_text(const px_value *v, char *buf, size_t n)
{
    if (v->is_null || (v->type == PX_COL_TEXT && !v->v.s)) return NULL;
    if (v->type == PX_COL_INT)
        snprintf(buf, n, "%lld", (long long)v->v.i);
    else if (v->type == PX_COL_REAL) {
        if (isnan(v->v.d))
            snprintf(buf, n, "NaN");
        else if (isinf(v->v.d))
            snprintf(buf, n, "%sInfinity", v->v.d < 0 ? "-" : "");
        else
            snprintf(buf, n, "%.17g", v->v.d);
    } else
        return v->v.s;
    return buf;
}

static px_status grow(px_ctx *ctx, px__rows *r, size_t *cap)
{
    if (r->n_rows * r->n_cols + r->n_cols <= *cap) return PX_OK;
    size_t c = *cap ? 2 * *cap : 64 * (r->n_cols ? r->n_cols : 1);
    px_value *v = realloc(r->cells, c * sizeof *v);
    if (!v) return px__error(ctx, PX_ENOMEM, "out of memory");
    r->cells = v;
    *cap = c;
    return PX_OK;
}

static px_status sql_pg(px_store *s, const char *sql, size_t n_params, const px_value *params, size_t n_cols,
                        const px_col_type *types, px__rows *out)
{
    char *q = pg_params(sql);
    const char **vals = calloc(n_params + 1, sizeof *vals);
    char(*bufs)[40] = calloc(n_params + 1, sizeof *bufs);
    px_status rc = q && vals && bufs ? PX_OK : px__error(s->ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < n_params; i++)
        vals[i] = pg_text(&params[i], bufs[i], sizeof bufs[i]);
    PGresult *res = NULL;
    if (rc == PX_OK) rc = px__pg_query(s, q, (int)n_params, vals, 0, &res);
    free(q);
    free(vals);
    free(bufs);
    if (rc != PX_OK || !out) {
        PQclear(res);
        return rc;
    }
    size_t cap = 0;
    int nr = PQntuples(res);
    if ((size_t)PQnfields(res) < n_cols) {
        int got = PQnfields(res);
        PQclear(res);
        return px__error(s->ctx, PX_EINVAL, "%s: query returns %d columns, %zu expected", s->path, got,
                         n_cols);
    }
    for (int i = 0; rc == PX_OK && i < nr; i++) {
        if ((rc = grow(s->ctx, out, &cap)) != PX_OK) break;
        px_value *row = out->cells + out->n_rows * n_cols;
        for (size_t c = 0; c < n_cols; c++) {
            px_value *v = &row[c];
            v->type = types[c];
            v->is_null = PQgetisnull(res, i, (int)c);
            if (v->is_null) continue;
            const char *t = PQgetvalue(res, i, (int)c);
            if (types[c] == PX_COL_INT)
                v->v.i = strtoll(t, NULL, 10);
            else if (types[c] == PX_COL_REAL)
                v->v.d = strtod(t, NULL);
            else if (!(v->v.s = px__strdup(t))) {
                v->is_null = 1;
                rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
            }
        }
        out->n_rows++;
    }
    PQclear(res);
    return rc;
}

px_status px__store_sql(px_store *s, const char *sql, size_t n_params, const px_value *params, size_t n_cols,
                        const px_col_type *types, px__rows *out)
{
    if (out) {
        memset(out, 0, sizeof *out);
        out->n_cols = n_cols;
    }
    px_status rc;
    if (s->pg) {
        rc = sql_pg(s, sql, n_params, params, n_cols, types, out);
        if (rc != PX_OK) px__rows_free(out);
        return rc;
    }
    sqlite3_stmt *st = NULL;
    rc = px__store_prepare(s, sql, &st);
    if (rc != PX_OK) return rc;
    for (size_t i = 0; i < n_params; i++) {
        const px_value *v = &params[i];
        int col = (int)i + 1;
        if (v->is_null || (v->type == PX_COL_TEXT && !v->v.s))
            sqlite3_bind_null(st, col);
        else if (v->type == PX_COL_INT)
            sqlite3_bind_int64(st, col, v->v.i);
        else if (v->type == PX_COL_REAL)
            sqlite3_bind_double(st, col, v->v.d);
        else
            sqlite3_bind_text(st, col, v->v.s, -1, SQLITE_STATIC);
    }
    size_t cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW && out) {
        if ((rc = grow(s->ctx, out, &cap)) != PX_OK) break;
        px_value *row = out->cells + out->n_rows * n_cols;
        for (size_t c = 0; c < n_cols; c++) {
            px_value *v = &row[c];
            v->type = types[c];
            v->is_null = sqlite3_column_type(st, (int)c) == SQLITE_NULL;
            if (v->is_null) continue;
            if (types[c] == PX_COL_INT)
                v->v.i = sqlite3_column_int64(st, (int)c);
            else if (types[c] == PX_COL_REAL)
                v->v.d = sqlite3_column_double(st, (int)c);
            else if (!(v->v.s = px__strdup((const char *)sqlite3_column_text(st, (int)c)))) {
                v->is_null = 1;
                rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
            }
        }
        out->n_rows++;
    }
    if (rc == PX_OK && r != SQLITE_DONE && r != SQLITE_ROW) rc = px__store_sqlerr(s, "query");
    sqlite3_finalize(st);
    if (rc != PX_OK) px__rows_free(out);
    return rc;
}
