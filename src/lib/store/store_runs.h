/*
 * The run records of a project (the observatory), for src/lib/run: the SQL
 * behind px_runs, px_run_steps, px_run_state and px_run_values. Kept in the
 * store module because all SQL lives here. Library-internal.
 *
 *   px_runs(name, scenario, scenario_sha256, started_at, seconds, status,
 *           n_steps, n_ran, headline)            one row per named run
 *   px_run_steps(run, pos, step, hash, status, reason, params, seconds,
 *           cpu_seconds, peak_rss_kb)            one row per step of a run
 *   px_run_state(step, hash, run, tables)        the hash each step had when it
 *                                                last ran, and its tables' revisions
 *   px_run_values(run, result_table, commune_id, commune_name, key, indicator,
 *           value)                               per-commune snapshot of a run
 */
#ifndef PX_STORE_RUNS_H
#define PX_STORE_RUNS_H

#include "proxima/run.h"
#include "proxima/store.h"

/* Create the record tables if missing (in the caller's transaction or its own). */
px_status px__runs_schema(px_store *s);

/* The hash recorded for `step` when it last ran (*found 0 if never; out: 65
 * bytes) and the revisions its tables had then (*tables caller-frees). */
px_status px__runs_state_get(px_store *s, const char *step, char *out, char **tables, int *found);
px_status px__runs_state_set(px_store *s, const char *step, const char *hash, const char *run,
                             const char *tables);

/* Forget every record of run `name` and insert it as "running". */
px_status px__runs_begin(px_store *s, const char *name, const char *scenario, const char *scenario_sha,
                         const char *started_at);
px_status px__runs_step_add(px_store *s, const char *run, int64_t pos, const char *step, const char *hash,
                            const char *status, const char *reason, const char *params, double seconds,
                            double cpu_seconds, int64_t peak_rss_kb);
px_status px__runs_finish(px_store *s, const char *name, const char *status, double seconds, int64_t n_steps,
                          int64_t n_ran, const char *headline);

/* Snapshot every numeric column of per-commune table `table` (it has a
 * commune_id column) into px_run_values under run `run`. A table without
 * commune_id is left out (PX_OK). */
px_status px__runs_snapshot(px_store *s, const char *run, const char *table);

/* Headline figures of run `run` as a JSON object (region rows of a few
 * indicators). Caller-frees; NULL on error (message set). */
char *px__runs_headline(px_store *s, const char *run);

/* Snapshot one column `column` of per-commune table `table` as indicator
 * `indicator` of the derived table `label` (key ""). */
px_status px__runs_snapshot_columns(px_store *s, const char *run, const char *label, const char *table,
                                    const char *column, const char *indicator);

/* Does run `name` exist? */
px_status px__runs_exists(px_store *s, const char *name, int *exists);
/* Every snapshotted value of run `name`, one per line in a fixed order
 * ("none" if no such run): what a comparison with it depends on.
 * Caller-frees; NULL on error. */
char *px__runs_values_text(px_store *s, const char *name);
/* Names of every run, comma-separated, for messages. Caller-frees. */
char *px__runs_names(px_store *s);

/* ---- service what-ifs (store_runs_svc.c) ---- */

/* Copy every value of run `from` into run `to`. */
px_status px__runs_copy(px_store *s, const char *from, const char *to);
/* From access_origins (if present): per commune and region ('*'), mode and
 * category, residents within `minutes` (`residents_within`), their `share`,
 * and `residents_gaining` = `residents_losing` = 0, as the derived table
 * `services_access` (key "mode=M;category=C") of run `run`. */
px_status px__runs_access_residents(px_store *s, const char *run, double minutes);
/* Apply services_whatif_communes (if present) to run `run`'s services_access
 * and access_communes values: a value equal to the what-if's "before"
 * becomes its "after" (idempotent), absent ones are added, gaining and
 * losing set. *n_disagree: residents_within values that match neither (the
 * run used another threshold or other data), left as they were. */
px_status px__runs_apply_whatif(px_store *s, const char *run, int64_t *n_disagree);
/* The what-if's "before" side as run `run`'s services_access values. */
px_status px__runs_whatif_before(px_store *s, const char *run);
/* Name of the latest run with status ok other than `except` (*out NULL if
 * none; caller-frees). */
px_status px__runs_latest_ok(px_store *s, const char *except, char **out);

px_status px__runs_list(px_store *s, px_run_info **out, size_t *n);
px_status px__runs_compare(px_store *s, const char *a, const char *b, px_run_change **out, size_t *n);

/* The same on a PostGIS project (pg_runs.c); the functions above dispatch. */
px_status px__pg_runs_schema(px_store *s);
px_status px__pg_runs_state_get(px_store *s, const char *step, char *out, char **tables, int *found);
px_status px__pg_runs_state_set(px_store *s, const char *step, const char *hash, const char *run,
                                const char *tables);
px_status px__pg_runs_begin(px_store *s, const char *name, const char *scenario, const char *scenario_sha,
                            const char *started_at);
px_status px__pg_runs_step_add(px_store *s, const char *run, int64_t pos, const char *step, const char *hash,
                               const char *status, const char *reason, const char *params, double seconds,
                               double cpu_seconds, int64_t peak_rss_kb);
px_status px__pg_runs_finish(px_store *s, const char *name, const char *status, double seconds, int64_t n_steps,
                             int64_t n_ran, const char *headline);
px_status px__pg_runs_snapshot(px_store *s, const char *run, const char *table);
px_status px__pg_runs_snapshot_columns(px_store *s, const char *run, const char *label, const char *table,
                                       const char *column, const char *indicator);
px_status px__pg_runs_exists(px_store *s, const char *name, int *exists);
char *px__pg_runs_values_text(px_store *s, const char *name);
char *px__pg_runs_names(px_store *s);
char *px__pg_runs_headline(px_store *s, const char *run);
px_status px__pg_runs_list(px_store *s, px_run_info **out, size_t *n);
px_status px__pg_runs_compare(px_store *s, const char *a, const char *b, px_run_change **out, size_t *n);

#endif
