/*
 * The SQL that puts service what-ifs into the run records (see
 * store_runs.h): residents within the quarter-hour threshold per commune,
 * mode and category taken from access_origins (label `services_access`),
 * copying a run's values into another, and applying a what-if's
 * per-commune changes (services_whatif_communes) to a run's values.
 * Deciding when to do which is src/lib/run's job. Every statement goes
 * through px__store_sql, in SQL both SQLite and PostgreSQL read (UPSERT as
 * ON CONFLICT, UPDATE ... FROM), so SpatiaLite and PostGIS projects behave
 * the same.
 */
#include "pg_int.h"
#include "store_runs.h"
#include "store_int.h"

#include "proxima/layer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run `sql` with ?1 = run and, when `other` is non-NULL, ?2 = other. */
static px_status exec_run(px_store *s, const char *sql, const char *run, const char *other, const char *what)
{
    px_value v[2] = {PX_VALUE_TEXT(run), PX_VALUE_TEXT(other)};
    px_status rc = px__store_sql(s, sql, other ? 2 : 1, v, 0, NULL, NULL);
    (void)what;
    return rc;
}

#define UPSERT " ON CONFLICT(run, result_table, commune_id, key, indicator) DO UPDATE SET value = excluded.value"
#define KEEP " ON CONFLICT(run, result_table, commune_id, key, indicator) DO NOTHING"

px_status px__runs_copy(px_store *s, const char *from, const char *to)
{
    return exec_run(s,
                    "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key,"
                    " indicator, value) SELECT ?1, result_table, commune_id, commune_name, key, indicator, value"
                    " FROM px_run_values WHERE run = ?2" UPSERT,
                    to, from, "copying a run's values");
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
    char cols[128][96];
    size_t n = 0;
    px_status rc = PX_OK;
    if (s->pg) {
        char **names = NULL;
        px_col_type *types = NULL;
        size_t nn = 0;
        rc = px__pg_table_columns(s, "access_origins", &names, &types, &nn);
        for (size_t i = 0; rc == PX_OK && i < nn && n < 128; i++)
            if (strlen(names[i]) < sizeof cols[0]) snprintf(cols[n++], sizeof cols[0], "%s", names[i]);
        for (size_t i = 0; names && i < nn; i++)
            free(names[i]);
        free(names);
        free(types);
    } else {
        static const px_col_type t[1] = {PX_COL_TEXT};
        px__rows r = {0};
        rc = px__store_sql(s, "SELECT name FROM pragma_table_info('access_origins')", 0, NULL, 1, t, &r);
        for (size_t i = 0; rc == PX_OK && i < r.n_rows && n < 128; i++)
            if (!r.cells[i].is_null && strlen(r.cells[i].v.s) < sizeof cols[0])
                snprintf(cols[n++], sizeof cols[0], "%s", r.cells[i].v.s);
        px__rows_free(&r);
    }
    if (rc != PX_OK) return rc;
    int has_communes = px_store_has_table(s, "communes");
    for (size_t i = 0; rc == PX_OK && i < n; i++) {
        char mode[16], cat[96];
        if (!min_column(cols[i], mode, sizeof mode, cat, sizeof cat) || !px__store_ident_ok(cols[i])) continue;
        /* Per commune and for the region ('*'): residents within, their
         * share, and no gain or loss (a run gains nothing on itself). */
        char *sql = px__asprintf(
            "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
            " WITH per AS (SELECT o.commune_id AS c, %s AS name, sum(CASE WHEN o.\"%s\" <= %.17g THEN"
            " o.\"count\" ELSE 0 END) AS w, sum(o.\"count\") AS p FROM access_origins o %s WHERE o.commune_id IS"
            " NOT NULL GROUP BY o.commune_id UNION ALL SELECT '%s', '%s', sum(CASE WHEN o.\"%s\" <= %.17g THEN"
            " o.\"count\" ELSE 0 END), sum(o.\"count\") FROM access_origins o),"
            " ind(i) AS (VALUES ('residents_within'), ('share'), ('residents_gaining'), ('residents_losing'))"
            " SELECT ?1, 'services_access', per.c, per.name, 'mode=%s;category=' || ?2, ind.i,"
            " CASE ind.i WHEN 'residents_within' THEN per.w WHEN 'share' THEN CASE WHEN per.p > 0 THEN per.w /"
            " per.p END ELSE 0 END FROM per, ind WHERE true" UPSERT,
            has_communes ? "(SELECT name FROM communes WHERE id = o.commune_id LIMIT 1)" : "NULL", cols[i],
            minutes, "", PX_LAYER_REGION_ID, PX_LAYER_REGION_NAME, cols[i], minutes, mode);
        if (!sql) return px__error(s->ctx, PX_ENOMEM, "out of memory");
        rc = exec_run(s, sql, run, cat, "snapshotting residents within reach");
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
        " WHERE true" KEEP,
        "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
        " SELECT ?1, 'services_access', w.commune_id, w.commune_name, 'mode=' || w.mode || ';category=' ||"
        " w.category, i.i, CASE i.i WHEN 'residents_gaining' THEN w.residents_gaining ELSE w.residents_losing"
        " END FROM services_whatif_communes w,"
        " (SELECT 'residents_gaining' AS i UNION ALL SELECT 'residents_losing') i WHERE true" UPSERT};
    px_status rc = PX_OK;
    for (size_t i = 0; rc == PX_OK && i < sizeof sql / sizeof *sql; i++)
        rc = exec_run(s, sql[i], run, NULL, "applying a what-if to a run");
    if (rc != PX_OK) return rc;
    /* Residents within that matched neither side: the run was made with
     * another threshold or other data; reported, left as they were. */
    static const px_col_type t[1] = {PX_COL_INT};
    px__rows r = {0};
    px_value v = PX_VALUE_TEXT(run);
    rc = px__store_sql(
        s,
        "SELECT count(*) FROM px_run_values v JOIN services_whatif_communes w ON v.commune_id = w.commune_id"
        " AND v.key = 'mode=' || w.mode || ';category=' || w.category WHERE v.run = ?1"
        " AND v.result_table = 'services_access' AND v.indicator = 'residents_within'"
        " AND abs(v.value - w.residents_after) > 1e-6 + 1e-9 * abs(w.residents_after)",
        1, &v, 1, t, &r);
    if (rc == PX_OK && r.n_rows == 1 && !r.cells[0].is_null) *n_disagree = r.cells[0].v.i;
    px__rows_free(&r);
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
        " SELECT 'share' UNION ALL SELECT 'residents_gaining' UNION ALL SELECT 'residents_losing') i WHERE true"
        UPSERT,
        run, NULL, "recording a what-if's baseline");
}

px_status px__runs_latest_ok(px_store *s, const char *except, char **out)
{
    *out = NULL;
    if (!px_store_has_table(s, "px_runs")) return PX_OK;
    static const px_col_type t[1] = {PX_COL_TEXT};
    px__rows r = {0};
    px_value v = PX_VALUE_TEXT(except);
    px_status rc = px__store_sql(s,
                                 s->pg ? "SELECT name FROM px_runs WHERE status = 'ok' AND name != ?1"
                                         " ORDER BY started_at DESC, seq DESC LIMIT 1"
                                       : "SELECT name FROM px_runs WHERE status = 'ok' AND name != ?1"
                                         " ORDER BY started_at DESC, rowid DESC LIMIT 1",
                                 1, &v, 1, t, &r);
    if (rc == PX_OK && r.n_rows == 1 && !r.cells[0].is_null && !(*out = px__strdup(r.cells[0].v.s)))
        rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    px__rows_free(&r);
    return rc;
}
