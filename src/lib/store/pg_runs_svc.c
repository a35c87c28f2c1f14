/*
 * The service what-ifs in the run records (store_runs_svc.c) on a PostGIS
 * project: the same statements in PostgreSQL's dialect (ON CONFLICT for
 * SQLite's INSERT OR REPLACE / OR IGNORE, `seq` for the rowid), so that a
 * scenario with `services:` records the same values on both stores.
 */
#include "store_runs.h"
#include "store_int.h"

#include "proxima/layer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UPSERT                                                                                                 \
    " ON CONFLICT(run, result_table, commune_id, key, indicator) DO UPDATE SET commune_name ="                  \
    " EXCLUDED.commune_name, value = EXCLUDED.value"

static px_status exec_run(px_store *s, const char *sql, const char *run, const char *other)
{
    px_value v[2] = {PX_VALUE_TEXT(run), PX_VALUE_TEXT(other)};
    return px__store_sql(s, sql, other ? 2 : 1, v, 0, NULL, NULL);
}

px_status px__pg_runs_copy(px_store *s, const char *from, const char *to)
{
    return exec_run(s,
                    "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
                    " SELECT $1, result_table, commune_id, commune_name, key, indicator, value FROM px_run_values"
                    " WHERE run = $2" UPSERT,
                    to, from);
}

/* As store_runs_svc.c's min_column: "<mode>_<category>_min", not "..._nK_min". */
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
    if (last && last[1] == 'n' && last[2] >= '0' && last[2] <= '9') return 0;
    return 1;
}

px_status px__pg_runs_access_residents(px_store *s, const char *run, double minutes)
{
    if (!px_store_has_table(s, "access_origins")) return PX_OK;
    char **cols = NULL;
    px_col_type *types = NULL;
    size_t n = 0;
    px_status rc = px__pg_table_columns(s, "access_origins", &cols, &types, &n);
    if (rc != PX_OK) return rc;
    int has_communes = px_store_has_table(s, "communes");
    for (size_t i = 0; rc == PX_OK && i < n; i++) {
        char mode[16], cat[96];
        if (!min_column(cols[i], mode, sizeof mode, cat, sizeof cat) || !px__store_ident_ok(cols[i])) continue;
        char *sql = px__asprintf(
            "WITH per AS (SELECT o.commune_id AS c, %s AS name, sum(CASE WHEN o.\"%s\" <= %.17g THEN o.count"
            " ELSE 0 END) AS w, sum(o.count) AS p FROM access_origins o WHERE o.commune_id IS NOT NULL"
            " GROUP BY o.commune_id UNION ALL SELECT '%s', '%s', sum(CASE WHEN o.\"%s\" <= %.17g THEN o.count"
            " ELSE 0 END), sum(o.count) FROM access_origins o),"
            " ind(i) AS (VALUES ('residents_within'), ('share'), ('residents_gaining'), ('residents_losing'))"
            " INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
            " SELECT $1, 'services_access', per.c, per.name, 'mode=%s;category=' || $2::text, ind.i,"
            " CASE ind.i WHEN 'residents_within' THEN per.w WHEN 'share' THEN CASE WHEN per.p > 0 THEN per.w /"
            " per.p END ELSE 0 END FROM per, ind" UPSERT,
            has_communes ? "(SELECT name FROM communes WHERE id = o.commune_id LIMIT 1)" : "NULL::text", cols[i],
            minutes, PX_LAYER_REGION_ID, PX_LAYER_REGION_NAME, cols[i], minutes, mode);
        rc = sql ? exec_run(s, sql, run, cat) : px__error(s->ctx, PX_ENOMEM, "out of memory");
        free(sql);
    }
    for (size_t i = 0; i < n; i++) free(cols[i]);
    free(cols);
    free(types);
    return rc;
}

px_status px__pg_runs_apply_whatif(px_store *s, const char *run, int64_t *n_disagree)
{
    *n_disagree = 0;
    if (!px_store_has_table(s, "services_whatif_communes")) return PX_OK;
    static const char *const sql[] = {
        "UPDATE px_run_values AS v SET value = w.residents_after FROM services_whatif_communes w"
        " WHERE v.run = $1 AND v.result_table = 'services_access' AND v.indicator = 'residents_within'"
        " AND v.key = 'mode=' || w.mode || ';category=' || w.category AND v.commune_id = w.commune_id"
        " AND abs(v.value - w.residents_before) <= 1e-6 + 1e-9 * abs(w.residents_before)",
        "UPDATE px_run_values AS v SET value = w.share_after FROM services_whatif_communes w"
        " WHERE v.run = $1 AND v.result_table = 'services_access' AND v.indicator = 'share'"
        " AND v.key = 'mode=' || w.mode || ';category=' || w.category AND v.commune_id = w.commune_id"
        " AND abs(v.value - w.share_before) <= 1e-9",
        "UPDATE px_run_values AS v SET value = w.share_after FROM services_whatif_communes w"
        " WHERE v.run = $1 AND v.result_table = 'access_communes' AND v.key = ''"
        " AND v.indicator = w.mode || '_' || w.category || '_share' AND v.commune_id = w.commune_id"
        " AND abs(v.value - w.share_before) <= 1e-9",
        "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
        " SELECT $1, 'services_access', w.commune_id, w.commune_name, 'mode=' || w.mode || ';category=' ||"
        " w.category, i.i, CASE i.i WHEN 'residents_within' THEN w.residents_after ELSE w.share_after END"
        " FROM services_whatif_communes w, (SELECT 'residents_within' AS i UNION ALL SELECT 'share') i"
        " ON CONFLICT(run, result_table, commune_id, key, indicator) DO NOTHING",
        "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
        " SELECT $1, 'services_access', w.commune_id, w.commune_name, 'mode=' || w.mode || ';category=' ||"
        " w.category, i.i, CASE i.i WHEN 'residents_gaining' THEN w.residents_gaining ELSE w.residents_losing"
        " END FROM services_whatif_communes w,"
        " (SELECT 'residents_gaining' AS i UNION ALL SELECT 'residents_losing') i" UPSERT};
    px_status rc = PX_OK;
    for (size_t i = 0; rc == PX_OK && i < sizeof sql / sizeof *sql; i++) rc = exec_run(s, sql[i], run, NULL);
    if (rc != PX_OK) return rc;
    px__rows r;
    static const px_col_type t[] = {PX_COL_INT};
    px_value p = PX_VALUE_TEXT(run);
    rc = px__store_sql(
        s,
        "SELECT count(*) FROM px_run_values v JOIN services_whatif_communes w ON v.commune_id = w.commune_id"
        " AND v.key = 'mode=' || w.mode || ';category=' || w.category WHERE v.run = $1"
        " AND v.result_table = 'services_access' AND v.indicator = 'residents_within'"
        " AND abs(v.value - w.residents_after) > 1e-6 + 1e-9 * abs(w.residents_after)",
        1, &p, 1, t, &r);
    if (rc == PX_OK && r.n_rows) *n_disagree = PX__CELL(&r, 0, 0)->v.i;
    px__rows_free(&r);
    return rc;
}

px_status px__pg_runs_whatif_before(px_store *s, const char *run)
{
    if (!px_store_has_table(s, "services_whatif_communes")) return PX_OK;
    return exec_run(
        s,
        "INSERT INTO px_run_values(run, result_table, commune_id, commune_name, key, indicator, value)"
        " SELECT $1, 'services_access', w.commune_id, w.commune_name, 'mode=' || w.mode || ';category=' ||"
        " w.category, i.i, CASE i.i WHEN 'residents_within' THEN w.residents_before WHEN 'share' THEN"
        " w.share_before ELSE 0 END FROM services_whatif_communes w, (SELECT 'residents_within' AS i UNION ALL"
        " SELECT 'share' UNION ALL SELECT 'residents_gaining' UNION ALL SELECT 'residents_losing') i" UPSERT,
        run, NULL);
}

px_status px__pg_runs_latest_ok(px_store *s, const char *except, char **out)
{
    *out = NULL;
    if (!px_store_has_table(s, "px_runs")) return PX_OK;
    px__rows r;
    static const px_col_type t[] = {PX_COL_TEXT};
    px_value p = PX_VALUE_TEXT(except);
    px_status rc = px__store_sql(s,
                                 "SELECT name FROM px_runs WHERE status = 'ok' AND name != $1"
                                 " ORDER BY started_at COLLATE \"C\" DESC, seq DESC LIMIT 1",
                                 1, &p, 1, t, &r);
    if (rc == PX_OK && r.n_rows && !(*out = px__strdup(PX__CELL(&r, 0, 0)->v.s)))
        rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    px__rows_free(&r);
    return rc;
}
