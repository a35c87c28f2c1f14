/*
 * The SQL that puts service what-ifs into the run records (see
 * store_runs.h): residents within the quarter-hour threshold per commune,
 * mode and category taken from access_origins (label `services_access`),
 * copying a run's values into another, and applying a what-if's
 * per-commune changes (services_whatif_communes) to a run's values.
 * Deciding when to do which is src/lib/run's job.
 * One SQL text for both stores, through px__store_sql: upserts as
 * "ON CONFLICT ... DO UPDATE" (SQLite wants "WHERE true" before it in an
 * INSERT ... SELECT), UPDATE ... FROM, no INSERT OR REPLACE/IGNORE.
 */
#include "store_runs.h"
#include "store_int.h"

#include "proxima/layer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run `sql` with run (?1) and, when `other` is non-NULL, text (?2). */
static px_status exec_run(px_store *s, const char *sql, const char *run, const char *other)
{
    px_value v[2] = {PX_VALUE_TEXT(run), PX_VALUE_TEXT(other)};
    return px__store_sql(s, sql, other ? 2 : 1, v, 0, NULL, NULL);
}

/* The upsert tail of every INSERT INTO px_run_values ... SELECT here. */
#define UPSERT                                                                                               \
    " WHERE true ON CONFLICT(run, result_table, commune_id, key, indicator) DO UPDATE SET"                   \
    " commune_name = excluded.commune_name, value = excluded.value"

px_status px__runs_copy(px_store *s, const char *from, const char *to)
{
    return exec_run(s,
                    "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key,"
                    " indicator, value) SELECT ?1, result_table, commune_id, commune_name, key,"
                    " indicator, value FROM px_run_values WHERE run = ?2 AND true"
                    " ON CONFLICT(run, result_table, commune_id, key, indicator) DO UPDATE SET"
                    " commune_name = excluded.commune_name, value = excluded.value",
                    to, from);
}

/* Is `col` "<mode>_<category>_min" (not the n-th nearest "..._nK_min")?
 * Writes the mode and category. */
static int min_column(const char *col, char *mode, size_t nm, char *cat, size_t nc)
{
    size_t n = strlen(col);
    const char *us = strchr(col, '_');
    if (n < 5 || !us || strcmp(col + n - 4, "_min")) return 0;
    size_t ml = (size_t)(us - col), cl = n - 4 - ml - 1;
    if (!cl || ml + 1 > nm || cl + 1 > nc) return 0;
    snprintf(mode, nm, "%.*s", (int)ml, col);
    if (strcmp(mode, "walk") && strcmp(mode, "bike")) return 0;
    snprintf(cat, nc, "%.*s", (int)cl, us + 1);
    const char *last = strrchr(cat, '_');
    if (last && last[1] == 'n' && last[2] >= '0' && last[2] <= '9') return 0; /* ..._n3 */
    return 1;
}

px_status px__runs_access_residents(px_store *s, const char *run, double minutes)
{
    if (!px_store_has_table(s, "access_origins")) return PX_OK;
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(s, "access_origins", NULL, 0, NULL, &r);
    if (rc != PX_OK) return rc;
    char cols[128][96];
    size_t n = 0;
    for (size_t i = 0; n < 128 && i < px_table_reader_n_columns(r); i++) {
        const char *c = px_table_reader_column_name(r, i);
        if (c && strlen(c) < sizeof cols[0]) snprintf(cols[n++], sizeof cols[0], "%s", c);
    }
    px_table_reader_close(r);
    int has_communes = px_store_has_table(s, "communes");
    for (size_t i = 0; rc == PX_OK && i < n; i++) {
        char mode[16], cat[96];
        if (!min_column(cols[i], mode, sizeof mode, cat, sizeof cat) || !px__store_ident_ok(cols[i])) continue;
        /* Per commune and for the region ('*'): residents within, their
         * share, and no gain or loss (a run gains nothing on itself). */
        char *sql = px__asprintf(
            "WITH per AS (SELECT o.commune_id AS c, %s AS name, sum(CASE WHEN o.\"%s\" <= %.17g THEN o.count"
            " ELSE 0 END) AS w, sum(o.count) AS p FROM access_origins o %s WHERE o.commune_id IS NOT NULL"
            " GROUP BY o.commune_id UNION ALL SELECT '%s', '%s', sum(CASE WHEN o.\"%s\" <= %.17g THEN o.count"
            " ELSE 0 END), sum(o.count) FROM access_origins o),"
            " ind(i) AS (VALUES ('residents_within'), ('share'), ('residents_gaining'), ('residents_losing'))"
            " INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator,"
            " value) SELECT ?1, 'services_access', per.c, per.name, 'mode=%s;category=' || ?2, ind.i,"
            " CASE ind.i WHEN 'residents_within' THEN per.w WHEN 'share' THEN CASE WHEN per.p > 0 THEN per.w /"
            " per.p END ELSE 0 END FROM per, ind" UPSERT,
            has_communes ? "(SELECT name FROM communes WHERE id = o.commune_id LIMIT 1)" : "NULL", cols[i],
            minutes, "", PX_LAYER_REGION_ID, PX_LAYER_REGION_NAME, cols[i], minutes, mode);
        if (!sql) return px__error(s->ctx, PX_ENOMEM, "out of memory");
        rc = exec_run(s, sql, run, cat);
        free(sql);
    }
    return rc;
}

px_status px__runs_apply_whatif(px_store *s, const char *run, int64_t *n_disagree)
{
    *n_disagree = 0;
    if (!px_store_has_table(s, "services_whatif_communes")) return PX_OK;
    /* A value of the run becomes the what-if's "after" where it equals the
     * what-if's "before" (the same threshold and data): applying twice
     * changes nothing. Values the run lacks are added. */
    static const char *const sql[] = {
        "UPDATE px_run_values AS v SET value = w.residents_after FROM services_whatif_communes w"
        " WHERE v.run = ?1 AND v.result_table = 'services_access' AND v.indicator = 'residents_within'"
        " AND v.key = 'mode=' || w.mode || ';category=' || w.category AND v.commune_id = w.commune_id"
        " AND abs(v.value - w.residents_before) <= 1e-6 + 1e-9 * abs(w.residents_before)",
        "UPDATE px_run_values AS v SET value = w.share_after FROM services_whatif_communes w"
        " WHERE v.run = ?1 AND v.result_table = 'services_access' AND v.indicator = 'share'"
        " AND v.key = 'mode=' || w.mode || ';category=' || w.category AND v.commune_id = w.commune_id"
        " AND abs(v.value - w.share_before) <= 1e-9",
        "UPDATE px_run_values AS v SET value = w.share_after FROM services_whatif_communes w"
        " WHERE v.run = ?1 AND v.result_table = 'access_communes' AND v.key = ''"
        " AND v.indicator = w.mode || '_' || w.category || '_share' AND v.commune_id = w.commune_id"
        " AND abs(v.value - w.share_before) <= 1e-9",
        "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
        " SELECT ?1, 'services_access', w.commune_id, w.commune_name, 'mode=' || w.mode || ';category=' ||"
        " w.category, i.i, CASE i.i WHEN 'residents_within' THEN w.residents_after ELSE w.share_after END"
        " FROM services_whatif_communes w, (SELECT 'residents_within' AS i UNION ALL SELECT 'share') i"
        " WHERE true ON CONFLICT(run, result_table, commune_id, key, indicator) DO NOTHING",
        "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
        " SELECT ?1, 'services_access', w.commune_id, w.commune_name, 'mode=' || w.mode || ';category=' ||"
        " w.category, i.i, CASE i.i WHEN 'residents_gaining' THEN w.residents_gaining ELSE w.residents_losing"
        " END FROM services_whatif_communes w,"
        " (SELECT 'residents_gaining' AS i UNION ALL SELECT 'residents_losing') i" UPSERT};
    px_status rc = PX_OK;
    for (size_t i = 0; rc == PX_OK && i < sizeof sql / sizeof *sql; i++)
        rc = exec_run(s, sql[i], run, NULL);
    if (rc != PX_OK) return rc;
    /* Residents within that matched neither side: the run was made with
     * another threshold or other data; reported, left as they were. */
    px__rows rows;
    px_value p = PX_VALUE_TEXT(run);
    static const px_col_type t[] = {PX_COL_INT};
    rc = px__store_sql(
        s,
        "SELECT count(*) FROM px_run_values v JOIN services_whatif_communes w ON v.commune_id = w.commune_id"
        " AND v.key = 'mode=' || w.mode || ';category=' || w.category WHERE v.run = ?1"
        " AND v.result_table = 'services_access' AND v.indicator = 'residents_within'"
        " AND abs(v.value - w.residents_after) > 1e-6 + 1e-9 * abs(w.residents_after)",
        1, &p, 1, t, &rows);
    if (rc != PX_OK) return rc;
    if (rows.n_rows && !PX__CELL(&rows, 0, 0)->is_null) *n_disagree = PX__CELL(&rows, 0, 0)->v.i;
    px__rows_free(&rows);
    return rc;
}

px_status px__runs_whatif_before(px_store *s, const char *run)
{
    if (!px_store_has_table(s, "services_whatif_communes")) return PX_OK;
    return exec_run(
        s,
        "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
        " SELECT ?1, 'services_access', w.commune_id, w.commune_name, 'mode=' || w.mode || ';category=' ||"
        " w.category, i.i, CASE i.i WHEN 'residents_within' THEN w.residents_before WHEN 'share' THEN"
        " w.share_before ELSE 0 END FROM services_whatif_communes w, (SELECT 'residents_within' AS i UNION ALL"
        " SELECT 'share' UNION ALL SELECT 'residents_gaining' UNION ALL SELECT 'residents_losing') i" UPSERT,
        run, NULL);
}

px_status px__runs_latest_ok(px_store *s, const char *except, char **out)
{
    *out = NULL;
    if (!px_store_has_table(s, "px_runs")) return PX_OK;
    /* The order runs were recorded in: SQLite's rowid, px_runs.seq on PostGIS. */
    char *sql = px__asprintf("SELECT name FROM px_runs WHERE status = 'ok' AND name != ?1"
                             " ORDER BY started_at DESC, %s DESC LIMIT 1",
                             s->pg ? "seq" : "rowid");
    if (!sql) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    px__rows rows;
    px_value p = PX_VALUE_TEXT(except);
    static const px_col_type t[] = {PX_COL_TEXT};
    px_status rc = px__store_sql(s, sql, 1, &p, 1, t, &rows);
    free(sql);
    if (rc != PX_OK) return rc;
    if (rows.n_rows && !PX__CELL(&rows, 0, 0)->is_null && !(*out = px__strdup(PX__CELL(&rows, 0, 0)->v.s)))
        rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    px__rows_free(&rows);
    return rc;
}
