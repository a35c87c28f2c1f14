/*
 * The run records (store_runs.h) on a PostGIS project: the same four tables
 * and the same answers as store_runs.c gives on SpatiaLite, in PostgreSQL's
 * dialect. Text is ordered bytewise (COLLATE "C") as SQLite orders it;
 * px_runs has a `seq` column standing for SQLite's rowid (the order runs
 * were recorded in). Numbers that end up in text (the headline JSON, the
 * values a report's hash depends on) are formatted by SQLite's own printf,
 * so that both stores write the same characters.
 */
#include "store_runs.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_col_type T1[] = {PX_COL_TEXT};

px_status px__pg_runs_schema(px_store *s)
{
    return px__pg_exec(
        s,
        "CREATE TABLE IF NOT EXISTS px_runs(name TEXT PRIMARY KEY, scenario TEXT,"
        " scenario_sha256 TEXT, started_at TEXT, seconds DOUBLE PRECISION, status TEXT,"
        " n_steps BIGINT, n_ran BIGINT, headline TEXT, seq BIGSERIAL);"
        "CREATE TABLE IF NOT EXISTS px_run_steps(run TEXT NOT NULL, pos BIGINT NOT NULL,"
        " step TEXT NOT NULL, hash TEXT, status TEXT, reason TEXT, params TEXT,"
        " seconds DOUBLE PRECISION, cpu_seconds DOUBLE PRECISION, peak_rss_kb BIGINT, PRIMARY KEY(run, pos));"
        "CREATE TABLE IF NOT EXISTS px_run_state(step TEXT PRIMARY KEY, hash TEXT NOT NULL,"
        " run TEXT, tables TEXT);"
        "CREATE TABLE IF NOT EXISTS px_run_values(run TEXT NOT NULL, result_table TEXT NOT NULL,"
        " commune_id TEXT NOT NULL, commune_name TEXT, key TEXT NOT NULL,"
        " indicator TEXT NOT NULL, value DOUBLE PRECISION,"
        " PRIMARY KEY(run, result_table, commune_id, key, indicator))");
}

static px_status exec_texts(px_store *s, const char *sql, size_t n, const char *const *texts)
{
    px_value v[8];
    for (size_t i = 0; i < n; i++)
        v[i] = PX_VALUE_TEXT(texts[i]);
    return px__store_sql(s, sql, n, v, 0, NULL, NULL);
}

px_status px__pg_runs_state_get(px_store *s, const char *step, char *out, char **tables, int *found)
{
    px__rows r;
    px_value p = PX_VALUE_TEXT(step);
    static const px_col_type t[] = {PX_COL_TEXT, PX_COL_TEXT};
    px_status rc = px__store_sql(s, "SELECT hash, coalesce(tables, '') FROM px_run_state WHERE step = ?1", 1,
                                 &p, 2, t, &r);
    if (rc != PX_OK) return rc;
    if (r.n_rows) {
        const px_value *h = PX__CELL(&r, 0, 0), *tb = PX__CELL(&r, 0, 1);
        snprintf(out, 65, "%s", h->is_null ? "" : h->v.s);
        *tables = px__strdup(tb->is_null ? "" : tb->v.s);
        if (!*tables)
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
        else
            *found = 1;
    }
    px__rows_free(&r);
    return rc;
}

px_status px__pg_runs_state_set(px_store *s, const char *step, const char *hash, const char *run,
                                const char *tables)
{
    const char *v[] = {step, hash, run, tables};
    return exec_texts(s,
                      "INSERT INTO px_run_state(step, hash, run, tables) VALUES(?1, ?2, ?3, ?4)"
                      " ON CONFLICT(step) DO UPDATE SET hash = EXCLUDED.hash, run = EXCLUDED.run,"
                      " tables = EXCLUDED.tables",
                      4, v);
}

px_status px__pg_runs_begin(px_store *s, const char *name, const char *scenario, const char *scenario_sha,
                            const char *started_at)
{
    const char *v[] = {name, scenario, scenario_sha, started_at};
    px_status rc = exec_texts(s, "DELETE FROM px_runs WHERE name = ?1", 1, v);
    if (rc == PX_OK) rc = exec_texts(s, "DELETE FROM px_run_steps WHERE run = ?1", 1, v);
    if (rc == PX_OK) rc = exec_texts(s, "DELETE FROM px_run_values WHERE run = ?1", 1, v);
    if (rc == PX_OK)
        rc = exec_texts(
            s,
            "INSERT INTO px_runs(name, scenario, scenario_sha256, started_at, status, n_steps, n_ran,"
            " headline) VALUES(?1, ?2, ?3, ?4, 'running', 0, 0, '{}')",
            4, v);
    return rc;
}

px_status px__pg_runs_step_add(px_store *s, const char *run, int64_t pos, const char *step, const char *hash,
                               const char *status, const char *reason, const char *params, double seconds,
                               double cpu_seconds, int64_t peak_rss_kb)
{
    px_value v[] = {PX_VALUE_TEXT(run),       PX_VALUE_INT(pos),      PX_VALUE_TEXT(step),
                    PX_VALUE_TEXT(hash),      PX_VALUE_TEXT(status),  PX_VALUE_TEXT(reason),
                    PX_VALUE_TEXT(params),    PX_VALUE_REAL(seconds), PX_VALUE_REAL(cpu_seconds),
                    PX_VALUE_INT(peak_rss_kb)};
    return px__store_sql(s,
                         "INSERT INTO px_run_steps(run, pos, step, hash, status, reason, params, seconds,"
                         " cpu_seconds, peak_rss_kb) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                         " ON CONFLICT(run, pos) DO UPDATE SET step = EXCLUDED.step, hash = EXCLUDED.hash,"
                         " status = EXCLUDED.status, reason = EXCLUDED.reason, params = EXCLUDED.params,"
                         " seconds = EXCLUDED.seconds, cpu_seconds = EXCLUDED.cpu_seconds,"
                         " peak_rss_kb = EXCLUDED.peak_rss_kb",
                         10, v, 0, NULL, NULL);
}

px_status px__pg_runs_finish(px_store *s, const char *name, const char *status, double seconds,
                             int64_t n_steps, int64_t n_ran, const char *headline)
{
    px_value v[] = {PX_VALUE_TEXT(name),   PX_VALUE_TEXT(status), PX_VALUE_REAL(seconds),
                    PX_VALUE_INT(n_steps), PX_VALUE_INT(n_ran),   PX_VALUE_TEXT(headline ? headline : "{}")};
    return px__store_sql(
        s,
        "UPDATE px_runs SET status = ?2, seconds = ?3, n_steps = ?4, n_ran = ?5, headline = ?6"
        " WHERE name = ?1",
        6, v, 0, NULL, NULL);
}

/* The commune-name column of a result table, as store_runs.c picks it. */
static const char *name_column(char **names, size_t n)
{
    static const char *const pref[] = {"commune_name", "commune", "name"};
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < n; i++)
            if (!strcmp(names[i], pref[k])) return pref[k];
    return NULL;
}

static void free_columns(char **names, px_col_type *types, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    free(types);
}

/* Append to a growing string; *buf becomes NULL on allocation failure. */
static void append(char **buf, const char *add)
{
    if (!*buf) return;
    char *n = px__asprintf("%s%s", *buf, add);
    free(*buf);
    *buf = n;
}

px_status px__pg_runs_snapshot(px_store *s, const char *run, const char *table)
{
    char **names = NULL;
    px_col_type *types = NULL;
    size_t n = 0;
    px_status rc = px__pg_table_columns(s, table, &names, &types, &n);
    if (rc != PX_OK) return rc;
    int has_id = 0;
    for (size_t i = 0; i < n; i++)
        has_id |= !strcmp(names[i], "commune_id");
    const char *name_col = name_column(names, n);
    /* The same key text as on SpatiaLite: '' || 'mode=' || coalesce(...) ... */
    char *key = px__strdup("''");
    int n_key = 0;
    for (size_t i = 0; key && has_id && i < n; i++) {
        if (types[i] != PX_COL_TEXT || !strcmp(names[i], "commune_id") ||
            (name_col && !strcmp(names[i], name_col)) || !strcmp(names[i], "props"))
            continue;
        char *part =
            px__asprintf(" || '%s%s=' || coalesce(\"%s\", '')", n_key ? ";" : "", names[i], names[i]);
        append(&key, part ? part : "");
        if (!part) {
            free(key);
            key = NULL;
        }
        free(part);
        n_key++;
    }
    if (!key) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    px_value p = PX_VALUE_TEXT(run);
    for (size_t i = 0; rc == PX_OK && has_id && i < n; i++) {
        if (types[i] == PX_COL_TEXT) continue;
        /* One row per (commune, key): the last one, as SQLite's INSERT OR
         * REPLACE leaves it. */
        char *sql = px__asprintf(
            "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
            " SELECT DISTINCT ON (commune_id, k) ?1, '%s', commune_id, %s%s%s, k, '%s', v FROM"
            " (SELECT fid, commune_id, %s%s%s AS cn, %s AS k, \"%s\"::float8 AS v FROM \"%s\""
            " WHERE commune_id IS NOT NULL) q ORDER BY commune_id, k, fid DESC"
            " ON CONFLICT(run, result_table, commune_id, key, indicator) DO UPDATE SET"
            " commune_name = EXCLUDED.commune_name, value = EXCLUDED.value",
            table, "", "cn", "", names[i], name_col ? "\"" : "", name_col ? name_col : "NULL::text",
            name_col ? "\"" : "", key, names[i], table);
        rc =
            sql ? px__store_sql(s, sql, 1, &p, 0, NULL, NULL) : px__error(s->ctx, PX_ENOMEM, "out of memory");
        free(sql);
    }
    free(key);
    free_columns(names, types, n);
    return rc;
}

px_status px__pg_runs_snapshot_columns(px_store *s, const char *run, const char *label, const char *table,
                                       const char *column, const char *indicator)
{
    char **names = NULL;
    px_col_type *types = NULL;
    size_t n = 0;
    px_status rc = px__pg_table_columns(s, table, &names, &types, &n);
    if (rc != PX_OK) return rc;
    int has_name = 0, has_commune = 0;
    for (size_t i = 0; i < n; i++) {
        has_name |= !strcmp(names[i], "commune_name");
        has_commune |= !strcmp(names[i], "commune");
    }
    free_columns(names, types, n);
    char *sql = px__asprintf(
        "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
        " SELECT DISTINCT ON (commune_id) ?1, '%s', commune_id, cn, '', '%s', v FROM"
        " (SELECT fid, commune_id, %s AS cn, \"%s\"::float8 AS v FROM \"%s\" WHERE commune_id IS NOT NULL) q"
        " ORDER BY commune_id, fid DESC"
        " ON CONFLICT(run, result_table, commune_id, key, indicator) DO UPDATE SET"
        " commune_name = EXCLUDED.commune_name, value = EXCLUDED.value",
        label, indicator,
        has_name      ? "commune_name"
        : has_commune ? "commune"
                      : "NULL::text",
        column, table);
    px_value p = PX_VALUE_TEXT(run);
    rc = sql ? px__store_sql(s, sql, 1, &p, 0, NULL, NULL) : px__error(s->ctx, PX_ENOMEM, "out of memory");
    free(sql);
    return rc;
}

px_status px__pg_runs_exists(px_store *s, const char *name, int *exists)
{
    px__rows r;
    px_value p = PX_VALUE_TEXT(name);
    px_status rc = px__store_sql(s, "SELECT name FROM px_runs WHERE name = ?1", 1, &p, 1, T1, &r);
    if (rc == PX_OK) *exists = r.n_rows > 0;
    px__rows_free(&r);
    return rc;
}

/* A double as SQLite's printf writes it with format `fmt`. Caller-frees. */
static char *sqlite_fmt(const char *fmt, double v)
{
    char *t = sqlite3_mprintf(fmt, v);
    char *out = t ? px__strdup(t) : NULL;
    sqlite3_free(t);
    return out;
}

char *px__pg_runs_values_text(px_store *s, const char *name)
{
    px__rows r;
    px_value p = PX_VALUE_TEXT(name);
    static const px_col_type t[] = {PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_REAL};
    if (px__store_sql(
            s,
            "SELECT result_table, commune_id, key, indicator, value FROM px_run_values WHERE run = ?1"
            " ORDER BY result_table COLLATE \"C\", commune_id COLLATE \"C\", key COLLATE \"C\","
            " indicator COLLATE \"C\"",
            1, &p, 5, t, &r) != PX_OK)
        return NULL;
    char *out = px__strdup("");
    for (size_t i = 0; out && i < r.n_rows; i++) {
        const px_value *v = PX__CELL(&r, i, 4);
        /* SQLite's printf('%.17g', NULL) gives "0" (never the coalesce's
         * 'NULL'): the same here, so that both stores hash the same text. */
        char *num = sqlite_fmt("%.17g", v->is_null ? 0.0 : v->v.d);
        char *line =
            num ? px__asprintf("%s%s%s|%s|%s|%s|%s", out, i ? "\n" : "", PX__CELL(&r, i, 0)->v.s,
                               PX__CELL(&r, i, 1)->v.s, PX__CELL(&r, i, 2)->v.s, PX__CELL(&r, i, 3)->v.s, num)
                : NULL;
        free(num);
        free(out);
        out = line;
    }
    if (out && !*out) {
        free(out);
        out = px__strdup("none");
    }
    px__rows_free(&r);
    return out;
}

char *px__pg_runs_names(px_store *s)
{
    px__rows r;
    if (px__store_sql(s, "SELECT name FROM px_runs ORDER BY started_at COLLATE \"C\", seq", 0, NULL, 1, T1,
                      &r) != PX_OK)
        return NULL;
    char *out = px__strdup("");
    for (size_t i = 0; out && i < r.n_rows; i++) {
        char *n = px__asprintf("%s%s%s", out, i ? ", " : "", PX__CELL(&r, i, 0)->v.s);
        free(out);
        out = n;
    }
    px__rows_free(&r);
    return out;
}

static char *text_or_empty(const px_value *v)
{
    return px__strdup(v->is_null ? "" : v->v.s);
}

px_status px__pg_runs_list(px_store *s, px_run_info **out, size_t *n)
{
    px__rows r;
    static const px_col_type t[] = {PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT,
                                    PX_COL_INT,  PX_COL_INT,  PX_COL_REAL, PX_COL_TEXT};
    px_status rc =
        px__store_sql(s,
                      "SELECT name, scenario, started_at, status, n_steps, n_ran, seconds, headline"
                      " FROM px_runs ORDER BY started_at COLLATE \"C\", seq",
                      0, NULL, 8, t, &r);
    if (rc != PX_OK) return rc;
    px_run_info *v = calloc(r.n_rows + 1, sizeof *v);
    if (!v) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < r.n_rows; i++) {
        px_run_info *ri = &v[i];
        ri->name = text_or_empty(PX__CELL(&r, i, 0));
        ri->scenario = text_or_empty(PX__CELL(&r, i, 1));
        ri->started_at = text_or_empty(PX__CELL(&r, i, 2));
        ri->status = text_or_empty(PX__CELL(&r, i, 3));
        ri->n_steps = PX__CELL(&r, i, 4)->is_null ? 0 : PX__CELL(&r, i, 4)->v.i;
        ri->n_ran = PX__CELL(&r, i, 5)->is_null ? 0 : PX__CELL(&r, i, 5)->v.i;
        ri->seconds = PX__CELL(&r, i, 6)->is_null ? 0 : PX__CELL(&r, i, 6)->v.d;
        ri->headline = text_or_empty(PX__CELL(&r, i, 7));
        if (!ri->name || !ri->scenario || !ri->started_at || !ri->status || !ri->headline)
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    size_t cnt = r.n_rows;
    px__rows_free(&r);
    if (rc != PX_OK) {
        px_run_infos_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return PX_OK;
}

px_status px__pg_runs_compare(px_store *s, const char *a, const char *b, px_run_change **out, size_t *n)
{
    px__rows r;
    px_value p[2] = {PX_VALUE_TEXT(a), PX_VALUE_TEXT(b)};
    static const px_col_type t[] = {PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT,
                                    PX_COL_TEXT, PX_COL_REAL, PX_COL_REAL};
    px_status rc = px__store_sql(
        s,
        "SELECT * FROM (WITH a AS (SELECT * FROM px_run_values WHERE run = ?1),"
        " b AS (SELECT * FROM px_run_values WHERE run = ?2)"
        " SELECT coalesce(a.result_table, b.result_table) AS t, coalesce(a.commune_id, b.commune_id) AS c,"
        " coalesce(b.commune_name, a.commune_name) AS cn, coalesce(a.key, b.key) AS k,"
        " coalesce(a.indicator, b.indicator) AS i, a.value AS va, b.value AS vb"
        " FROM a FULL OUTER JOIN b ON a.result_table = b.result_table AND a.commune_id = b.commune_id"
        " AND a.key = b.key AND a.indicator = b.indicator"
        " WHERE (a.value IS NULL) != (b.value IS NULL)"
        " OR abs(b.value - a.value) > 1e-9 * greatest(abs(a.value), abs(b.value))) q"
        " ORDER BY t COLLATE \"C\", c = '*', c = 'region', c COLLATE \"C\", k COLLATE \"C\", i COLLATE \"C\"",
        2, p, 7, t, &r);
    if (rc != PX_OK) return rc;
    px_run_change *v = calloc(r.n_rows + 1, sizeof *v);
    if (!v) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < r.n_rows; i++) {
        px_run_change *c = &v[i];
        c->table = text_or_empty(PX__CELL(&r, i, 0));
        c->commune_id = text_or_empty(PX__CELL(&r, i, 1));
        c->commune_name = text_or_empty(PX__CELL(&r, i, 2));
        c->key = text_or_empty(PX__CELL(&r, i, 3));
        c->indicator = text_or_empty(PX__CELL(&r, i, 4));
        c->has_a = !PX__CELL(&r, i, 5)->is_null;
        c->has_b = !PX__CELL(&r, i, 6)->is_null;
        c->a = c->has_a ? PX__CELL(&r, i, 5)->v.d : 0;
        c->b = c->has_b ? PX__CELL(&r, i, 6)->v.d : 0;
        if (!c->table || !c->commune_id || !c->commune_name || !c->key || !c->indicator)
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    size_t cnt = r.n_rows;
    px__rows_free(&r);
    if (rc != PX_OK) {
        px_run_changes_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return PX_OK;
}

/* A JSON string as SQLite's json functions write it. */
static void json_quote(char **buf, const char *t)
{
    append(buf, "\"");
    for (const unsigned char *p = (const unsigned char *)t; *buf && *p; p++) {
        char one[8];
        if (*p == '"' || *p == '\\')
            snprintf(one, sizeof one, "\\%c", *p);
        else if (*p < 0x20)
            snprintf(one, sizeof one, "\\u%04x", *p);
        else
            snprintf(one, sizeof one, "%c", *p);
        append(buf, one);
    }
    append(buf, "\"");
}

char *px__pg_runs_headline(px_store *s, const char *run)
{
    px__rows r;
    px_value p = PX_VALUE_TEXT(run);
    static const px_col_type t[] = {PX_COL_TEXT, PX_COL_REAL};
    if (px__store_sql(
            s,
            "SELECT k, value FROM (SELECT result_table || '.' || indicator || CASE key WHEN '' THEN '' ELSE"
            " '[' || key || ']' END AS k, value FROM px_run_values WHERE run = ?1 AND commune_id IN ('*', "
            "'region')"
            " AND value IS NOT NULL AND ((result_table = 'access_communes' AND indicator LIKE "
            "'%\\_all\\_share'"
            " ESCAPE '\\') OR (result_table = 'cycle_coverage' AND indicator = 'covered_pct')"
            " OR (result_table = 'cycle_connectivity' AND indicator = 'score') OR (result_table = "
            "'cycle_plan'))) q"
            " ORDER BY k COLLATE \"C\"",
            1, &p, 2, t, &r) != PX_OK)
        return NULL;
    char *out = px__strdup("{");
    for (size_t i = 0; out && i < r.n_rows; i++) {
        if (i) append(&out, ",");
        json_quote(&out, PX__CELL(&r, i, 0)->v.s);
        append(&out, ":");
        char *num = sqlite_fmt("%!0.15g", PX__CELL(&r, i, 1)->v.d);
        append(&out, num ? num : "null");
        free(num);
    }
    append(&out, "}");
    px__rows_free(&r);
    return out;
}
