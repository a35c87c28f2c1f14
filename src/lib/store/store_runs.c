/*
 * The SQL of the run records (see store_runs.h): creating the tables,
 * recording runs and steps, the per-step state hashes, the per-commune
 * snapshot of a run and the comparison of two snapshots. Deciding what to
 * run and what to record is src/lib/run's job; nothing here knows a step.
 */
#include "store_runs.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

px_status px__runs_schema(px_store *s)
{
    if (s->pg) return px__pg_runs_schema(s);
    return px__store_exec(
        s, "CREATE TABLE IF NOT EXISTS px_runs(name TEXT PRIMARY KEY, scenario TEXT,"
           " scenario_sha256 TEXT, started_at TEXT, seconds REAL, status TEXT,"
           " n_steps INTEGER, n_ran INTEGER, headline TEXT);"
           "CREATE TABLE IF NOT EXISTS px_run_steps(run TEXT NOT NULL, pos INTEGER NOT NULL,"
           " step TEXT NOT NULL, hash TEXT, status TEXT, reason TEXT, params TEXT,"
           " seconds REAL, cpu_seconds REAL, peak_rss_kb INTEGER, PRIMARY KEY(run, pos));"
           "CREATE TABLE IF NOT EXISTS px_run_state(step TEXT PRIMARY KEY, hash TEXT NOT NULL,"
           " run TEXT, tables TEXT);"
           "CREATE TABLE IF NOT EXISTS px_run_values(run TEXT NOT NULL, result_table TEXT NOT NULL,"
           " commune_id TEXT NOT NULL, commune_name TEXT, key TEXT NOT NULL,"
           " indicator TEXT NOT NULL, value REAL,"
           " PRIMARY KEY(run, result_table, commune_id, key, indicator));");
}

static int has_runs(px_store *s)
{
    return px_store_has_table(s, "px_runs") && px_store_has_table(s, "px_run_values");
}

px_status px__runs_state_get(px_store *s, const char *step, char *out, char **tables, int *found)
{
    if (s->pg) return px__pg_runs_state_get(s, step, out, tables, found);
    sqlite3_stmt *st = NULL;
    *found = 0;
    *tables = NULL;
    px_status rc =
        px__store_prepare(s, "SELECT hash, coalesce(tables, '') FROM px_run_state WHERE step = ?1", &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, step, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 0);
        snprintf(out, 65, "%s", h ? h : "");
        *tables = px__strdup((const char *)sqlite3_column_text(st, 1));
        if (!*tables)
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
        else
            *found = 1;
    } else if (r != SQLITE_DONE) {
        rc = px__store_sqlerr(s, "reading px_run_state");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Prepare `sql`, bind the texts (NULL entries bind NULL), step once. */
static px_status exec_texts(px_store *s, const char *sql, const char *what, int n, const char *const *texts)
{
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, sql, &st);
    if (rc != PX_OK) return rc;
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) rc = px__store_sqlerr(s, what);
    sqlite3_finalize(st);
    return rc;
}

px_status px__runs_state_set(px_store *s, const char *step, const char *hash, const char *run,
                             const char *tables)
{
    if (s->pg) return px__pg_runs_state_set(s, step, hash, run, tables);
    const char *v[] = {step, hash, run, tables};
    return exec_texts(s,
                      "INSERT OR REPLACE INTO px_run_state(step, hash, run, tables) VALUES(?1, ?2, ?3, ?4)",
                      "recording a step's state", 4, v);
}

px_status px__runs_begin(px_store *s, const char *name, const char *scenario, const char *scenario_sha,
                         const char *started_at)
{
    if (s->pg) return px__pg_runs_begin(s, name, scenario, scenario_sha, started_at);
    const char *v[] = {name, scenario, scenario_sha, started_at};
    px_status rc = exec_texts(s, "DELETE FROM px_runs WHERE name = ?1", "replacing a run", 1, v);
    if (rc == PX_OK) rc = exec_texts(s, "DELETE FROM px_run_steps WHERE run = ?1", "replacing a run", 1, v);
    if (rc == PX_OK) rc = exec_texts(s, "DELETE FROM px_run_values WHERE run = ?1", "replacing a run", 1, v);
    if (rc == PX_OK)
        rc = exec_texts(
            s,
            "INSERT INTO px_runs(name, scenario, scenario_sha256, started_at, status, n_steps, n_ran,"
            " headline) VALUES(?1, ?2, ?3, ?4, 'running', 0, 0, '{}')",
            "recording a run", 4, v);
    return rc;
}

px_status px__runs_step_add(px_store *s, const char *run, int64_t pos, const char *step, const char *hash,
                            const char *status, const char *reason, const char *params, double seconds,
                            double cpu_seconds, int64_t peak_rss_kb)
{
    if (s->pg) return px__pg_runs_step_add(s, run, pos, step, hash, status, reason, params, seconds, cpu_seconds, peak_rss_kb);
    sqlite3_stmt *st = NULL;
    px_status rc =
        px__store_prepare(s,
                          "INSERT OR REPLACE INTO px_run_steps(run, pos, step, hash, status, reason,"
                          " params, seconds, cpu_seconds, peak_rss_kb)"
                          " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                          &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, run, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, pos);
    sqlite3_bind_text(st, 3, step, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, params, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 8, seconds);
    sqlite3_bind_double(st, 9, cpu_seconds);
    sqlite3_bind_int64(st, 10, peak_rss_kb);
    if (sqlite3_step(st) != SQLITE_DONE) rc = px__store_sqlerr(s, "recording a step");
    sqlite3_finalize(st);
    return rc;
}

px_status px__runs_finish(px_store *s, const char *name, const char *status, double seconds, int64_t n_steps,
                          int64_t n_ran, const char *headline)
{
    if (s->pg) return px__pg_runs_finish(s, name, status, seconds, n_steps, n_ran, headline);
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s,
                                     "UPDATE px_runs SET status = ?2, seconds = ?3, n_steps = ?4, n_ran = "
                                     "?5, headline = ?6 WHERE name = ?1",
                                     &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 3, seconds);
    sqlite3_bind_int64(st, 4, n_steps);
    sqlite3_bind_int64(st, 5, n_ran);
    sqlite3_bind_text(st, 6, headline ? headline : "{}", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) rc = px__store_sqlerr(s, "finishing a run record");
    sqlite3_finalize(st);
    return rc;
}

/* Append `add` to the growing string *buf (NULL on allocation failure). */
static void append(char **buf, const char *add)
{
    if (!*buf) return;
    char *n = px__asprintf("%s%s", *buf, add);
    free(*buf);
    *buf = n;
}

px_status px__runs_snapshot(px_store *s, const char *run, const char *table)
{
    if (s->pg) return px__store_ident_ok(table) ? px__pg_runs_snapshot(s, run, table) : px__error(s->ctx, PX_EINVAL, "snapshot: bad table name '%s'", table);
    if (!px__store_ident_ok(table))
        return px__error(s->ctx, PX_EINVAL, "snapshot: bad table name '%s'", table);
    char *sql = px__asprintf("PRAGMA table_info(\"%s\")", table);
    sqlite3_stmt *st = NULL;
    px_status rc = sql ? px__store_prepare(s, sql, &st) : px__error(s->ctx, PX_ENOMEM, "out of memory");
    free(sql);
    if (rc != PX_OK) return rc;
    /* Numeric columns are indicators; text columns other than the commune's
     * id and name say which row of a commune it is (mode, category...). */
    char *names[256], *types[256];
    size_t n = 0;
    int has_id = 0;
    const char *name_col = NULL;
    while (n < 256 && sqlite3_step(st) == SQLITE_ROW) {
        names[n] = px__strdup((const char *)sqlite3_column_text(st, 1));
        types[n] = px__strdup(sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
        if (!names[n] || !types[n]) {
            free(names[n]);
            free(types[n]);
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
            break;
        }
        if (!strcmp(names[n], "commune_id")) has_id = 1;
        n++;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n && !name_col; i++)
        if (!strcmp(names[i], "commune_name")) name_col = "commune_name";
    /* Tables written before the result-table conventions name it so. */
    for (size_t i = 0; i < n && !name_col; i++)
        if (!strcmp(names[i], "commune")) name_col = "commune";
    for (size_t i = 0; i < n && !name_col; i++)
        if (!strcmp(names[i], "name")) name_col = "name";
    char *key = px__strdup("''");
    int n_key = 0;
    for (size_t i = 0; rc == PX_OK && has_id && i < n; i++) {
        if (strcmp(types[i], "TEXT") || !strcmp(names[i], "commune_id") ||
            (name_col && !strcmp(names[i], name_col)) || !strcmp(names[i], "props"))
            continue;
        char *part = px__asprintf("%s || '%s%s=' || coalesce(\"%s\", '')", n_key ? "" : "", n_key ? ";" : "",
                                  names[i], names[i]);
        if (!part) {
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
            break;
        }
        append(&key, " ");
        append(&key, part);
        free(part);
        n_key++;
    }
    if (rc == PX_OK && !key) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && has_id && i < n; i++) {
        if (strcmp(types[i], "REAL") && strcmp(types[i], "INTEGER")) continue;
        if (!strcmp(names[i], "fid")) continue;
        sql = px__asprintf(
            "INSERT OR REPLACE INTO px_run_values(run, result_table, commune_id, commune_name, key,"
            " indicator, value) SELECT ?1, '%s', commune_id, %s%s%s, %s, '%s', \"%s\" FROM \"%s\""
            " WHERE commune_id IS NOT NULL",
            table, name_col ? "\"" : "", name_col ? name_col : "NULL", name_col ? "\"" : "", key, names[i],
            names[i], table);
        if (!sql) {
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
            break;
        }
        rc = px__store_prepare(s, sql, &st);
        free(sql);
        if (rc != PX_OK) break;
        sqlite3_bind_text(st, 1, run, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) rc = px__store_sqlerr(s, "snapshotting a result table");
        sqlite3_finalize(st);
    }
    free(key);
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(types[i]);
    }
    return rc;
}

px_status px__runs_snapshot_columns(px_store *s, const char *run, const char *label, const char *table,
                                    const char *column, const char *indicator)
{
    if (s->pg) return px__store_ident_ok(table) && px__store_ident_ok(column) && px__store_ident_ok(label) && px__store_ident_ok(indicator) ? px__pg_runs_snapshot_columns(s, run, label, table, column, indicator) : px__error(s->ctx, PX_EINVAL, "snapshot: bad name");
    if (!px__store_ident_ok(table) || !px__store_ident_ok(column) || !px__store_ident_ok(label) ||
        !px__store_ident_ok(indicator))
        return px__error(s->ctx, PX_EINVAL, "snapshot: bad name");
    int has_name = 0, has_commune = 0;
    char *sql = px__asprintf("PRAGMA table_info(\"%s\")", table);
    sqlite3_stmt *st = NULL;
    px_status rc = sql ? px__store_prepare(s, sql, &st) : px__error(s->ctx, PX_ENOMEM, "out of memory");
    free(sql);
    if (rc != PX_OK) return rc;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 1);
        has_name |= !strcmp(c, "commune_name");
        has_commune |= !strcmp(c, "commune");
    }
    sqlite3_finalize(st);
    sql =
        px__asprintf("INSERT OR REPLACE INTO px_run_values(run, result_table, commune_id, commune_name, key,"
                     " indicator, value) SELECT ?1, '%s', commune_id, %s, '', '%s', \"%s\" FROM \"%s\""
                     " WHERE commune_id IS NOT NULL",
                     label,
                     has_name      ? "commune_name"
                     : has_commune ? "commune"
                                   : "NULL",
                     indicator, column, table);
    rc = sql ? px__store_prepare(s, sql, &st) : px__error(s->ctx, PX_ENOMEM, "out of memory");
    free(sql);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, run, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) rc = px__store_sqlerr(s, "snapshotting a result column");
    sqlite3_finalize(st);
    return rc;
}

px_status px__runs_exists(px_store *s, const char *name, int *exists)
{
    *exists = 0;
    if (!has_runs(s)) return PX_OK;
    if (s->pg) return px__pg_runs_exists(s, name, exists);
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, "SELECT 1 FROM px_runs WHERE name = ?1", &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    *exists = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return PX_OK;
}

char *px__runs_values_text(px_store *s, const char *name)
{
    if (!has_runs(s)) return px__strdup("none");
    if (s->pg) return px__pg_runs_values_text(s, name);
    sqlite3_stmt *st = NULL;
    if (px__store_prepare(s,
                          "SELECT coalesce(group_concat(line, char(10)), 'none') FROM (SELECT result_table || '|' ||"
                          " commune_id || '|' || key || '|' || indicator || '|' || coalesce(printf('%.17g', value),"
                          " 'NULL') AS line FROM px_run_values WHERE run = ?1 ORDER BY result_table, commune_id, key,"
                          " indicator)",
                          &st) != PX_OK)
        return NULL;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    char *out = sqlite3_step(st) == SQLITE_ROW ? px__strdup((const char *)sqlite3_column_text(st, 0))
                                               : px__strdup("none");
    sqlite3_finalize(st);
    return out;
}

char *px__runs_names(px_store *s)
{
    if (!has_runs(s)) return px__strdup("");
    if (s->pg) return px__pg_runs_names(s);
    sqlite3_stmt *st = NULL;
    if (px__store_prepare(s,
                          "SELECT coalesce(group_concat(name, ', '), '') FROM"
                          " (SELECT name FROM px_runs ORDER BY started_at, rowid)",
                          &st) != PX_OK)
        return NULL;
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) out = px__strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return px__strdup(t ? (const char *)t : "");
}

px_status px__runs_list(px_store *s, px_run_info **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!has_runs(s)) return PX_OK;
    if (s->pg) return px__pg_runs_list(s, out, n);
    sqlite3_stmt *st = NULL;
    px_status rc =
        px__store_prepare(s,
                          "SELECT name, scenario, started_at, status, n_steps, n_ran, seconds, headline"
                          " FROM px_runs ORDER BY started_at, rowid",
                          &st);
    if (rc != PX_OK) return rc;
    px_run_info *v = NULL;
    size_t cnt = 0, cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? 2 * cap : 8;
            px_run_info *g = realloc(v, cap * sizeof *v);
            if (!g) {
                rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
                break;
            }
            v = g;
        }
        px_run_info *ri = &v[cnt++];
        ri->name = col_dup(st, 0);
        ri->scenario = col_dup(st, 1);
        ri->started_at = col_dup(st, 2);
        ri->status = col_dup(st, 3);
        ri->n_steps = sqlite3_column_int64(st, 4);
        ri->n_ran = sqlite3_column_int64(st, 5);
        ri->seconds = sqlite3_column_double(st, 6);
        ri->headline = col_dup(st, 7);
        if (!ri->name || !ri->scenario || !ri->started_at || !ri->status || !ri->headline) {
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == PX_OK && r != SQLITE_DONE) rc = px__store_sqlerr(s, "listing runs");
    sqlite3_finalize(st);
    if (rc != PX_OK) {
        px_run_infos_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return PX_OK;
}

px_status px__runs_compare(px_store *s, const char *a, const char *b, px_run_change **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (s->pg) return px__pg_runs_compare(s, a, b, out, n);
    sqlite3_stmt *st = NULL;
    /* Values equal to 1e-9 relative are the same: a figure computed along
     * two paths (a table and its what-if twin) may differ in the last bit. */
    px_status rc = px__store_prepare(
        s,
        "WITH a AS (SELECT * FROM px_run_values WHERE run = ?1), b AS (SELECT * FROM px_run_values WHERE run "
        "= ?2)"
        " SELECT coalesce(a.result_table, b.result_table) AS t, coalesce(a.commune_id, b.commune_id) AS c,"
        " coalesce(b.commune_name, a.commune_name), coalesce(a.key, b.key) AS k,"
        " coalesce(a.indicator, b.indicator) AS i, a.value, b.value"
        " FROM a FULL OUTER JOIN b ON a.result_table = b.result_table AND a.commune_id = b.commune_id"
        " AND a.key = b.key AND a.indicator = b.indicator"
        " WHERE (a.value IS NULL) != (b.value IS NULL)"
        " OR abs(b.value - a.value) > 1e-9 * max(abs(a.value), abs(b.value))"
        " ORDER BY t, c = '*', c = 'region', c, k, i",
        &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    px_run_change *v = NULL;
    size_t cnt = 0, cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? 2 * cap : 64;
            px_run_change *g = realloc(v, cap * sizeof *v);
            if (!g) {
                rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
                break;
            }
            v = g;
        }
        px_run_change *c = &v[cnt++];
        memset(c, 0, sizeof *c);
        c->table = col_dup(st, 0);
        c->commune_id = col_dup(st, 1);
        c->commune_name = col_dup(st, 2);
        c->key = col_dup(st, 3);
        c->indicator = col_dup(st, 4);
        c->has_a = sqlite3_column_type(st, 5) != SQLITE_NULL;
        c->has_b = sqlite3_column_type(st, 6) != SQLITE_NULL;
        c->a = c->has_a ? sqlite3_column_double(st, 5) : 0;
        c->b = c->has_b ? sqlite3_column_double(st, 6) : 0;
        if (!c->table || !c->commune_id || !c->commune_name || !c->key || !c->indicator) {
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == PX_OK && r != SQLITE_DONE) rc = px__store_sqlerr(s, "comparing runs");
    sqlite3_finalize(st);
    if (rc != PX_OK) {
        px_run_changes_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return PX_OK;
}

void px_run_infos_free(px_run_info *runs, size_t n)
{
    if (!runs) return;
    for (size_t i = 0; i < n; i++) {
        free(runs[i].name);
        free(runs[i].scenario);
        free(runs[i].started_at);
        free(runs[i].status);
        free(runs[i].headline);
    }
    free(runs);
}

void px_run_changes_free(px_run_change *changes, size_t n)
{
    if (!changes) return;
    for (size_t i = 0; i < n; i++) {
        free(changes[i].table);
        free(changes[i].commune_id);
        free(changes[i].commune_name);
        free(changes[i].key);
        free(changes[i].indicator);
    }
    free(changes);
}

char *px__runs_headline(px_store *s, const char *run)
{
    if (s->pg) return px__pg_runs_headline(s, run);
    /* The region-wide figures a council asks first: the quarter-hour share
     * per mode, cycle coverage and connectivity, residents in flood zones. */
    sqlite3_stmt *st = NULL;
    if (px__store_prepare(
            s,
            "SELECT coalesce(json_group_object(k, value), '{}') FROM (SELECT result_table || '.' ||"
            " indicator || CASE key WHEN '' THEN '' ELSE '[' || key || ']' END AS k, value"
            " FROM px_run_values WHERE run = ?1 AND commune_id IN ('*', 'region') AND value IS NOT NULL"
            " AND ((result_table = 'access_communes' AND indicator LIKE '%\\_all\\_share' ESCAPE '\\')"
            " OR (result_table = 'cycle_coverage' AND indicator = 'covered_pct')"
            " OR (result_table = 'cycle_connectivity' AND indicator = 'score')"
            " OR (result_table = 'cycle_plan'))"
            " ORDER BY k)",
            &st) != PX_OK)
        return NULL;
    sqlite3_bind_text(st, 1, run, -1, SQLITE_STATIC);
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        out = px__strdup((const char *)sqlite3_column_text(st, 0));
    else
        px__store_sqlerr(s, "reading headline figures");
    sqlite3_finalize(st);
    return out;
}
