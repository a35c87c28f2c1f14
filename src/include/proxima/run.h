/*
 * Proxima scenario runs: one YAML file (a "scenario") names the project, the
 * layer definition(s), the analyses with their parameters and the outputs;
 * px_run executes it step by step, running only what changed since the last
 * run of that project, and records every run under a name (the
 * observatory): its steps, their input hashes and parameters, and a
 * snapshot of every per-commune result so that two runs can be compared.
 *
 * What a step is, how its hash is made and what the records hold is
 * described in the README ("Scenario runs"). The format of a scenario file
 * is described there too; errors name "FILE:LINE: reason" like layer
 * definitions do.
 */
#ifndef PROXIMA_RUN_H
#define PROXIMA_RUN_H

#include "proxima/core.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct px_scenario px_scenario;

/* Read and check a scenario file. Relative input paths (layer definitions,
 * brownfield scenario, planned links, styles) resolve against the
 * scenario's folder. Nothing is opened but the file itself: missing inputs
 * are found by px_run. On success *out is caller-frees (px_scenario_free).
 * Returns PX_EIO (unreadable), PX_EPARSE (YAML syntax, "FILE:LINE: ..."),
 * PX_EDOMAIN (unknown key, bad value: "FILE:LINE: ..."), PX_EUNSUPPORTED (an
 * output kind this build cannot make: "FILE:LINE: ... not available in this
 * build"), PX_ENOMEM. `path` is borrowed. */
px_status px_scenario_read(px_ctx *ctx, const char *path, px_scenario **out);
void px_scenario_free(px_scenario *sc);

/* The scenario's name (its `name:` key, else the file name without
 * extension). Borrowed from the scenario. */
const char *px_scenario_name(const px_scenario *sc);

/* What happened to one step, handed to the step callback. Strings are
 * borrowed for the duration of the call. */
typedef struct px_run_step_info {
    const char *id; /* "network", "access", "export equity_communes.csv" ... */
    size_t index;   /* 0-based position, of n_steps */
    size_t n_steps;
    int finished;        /* 0: about to start, 1: done (see ran, status) */
    int ran;             /* 1: executed, 0: unchanged since the last run (skipped) */
    const char *reason;  /* why it runs or not: "new", "parameters or inputs changed",
                            "upstream step changed", "output missing", "tables changed
                            outside the run", "forced", "unchanged" */
    px_status status;    /* finished: PX_OK or the error */
    double seconds;      /* finished: wall time */
    double cpu_seconds;  /* finished: CPU time of the process, all threads */
    int64_t peak_rss_kb; /* finished: peak resident memory during the step (kB) */
} px_run_step_info;

/* Step callback: called before and after every step. `user` borrowed. */
typedef void (*px_run_step_fn)(void *user, const px_run_step_info *info);

/* Writes the static web site of project `project` into folder `out_dir`
 * (the server module's px_site_write, which lives outside this library).
 * Strings borrowed. */
typedef px_status (*px_run_site_fn)(px_ctx *ctx, const char *project, const char *out_dir, void *user);

typedef struct px_run_options {
    const char *name;       /* run name; NULL: today's date, YYYY-MM-DD (UTC). Running
                               again under the same name replaces that run's record */
    const char *output_dir; /* NULL: the scenario's `output:` (relative to the current folder) */
    int force;              /* non-zero: run every step even if unchanged */
    px_run_step_fn on_step;
    void *user;
    px_run_site_fn write_site; /* needed by a scenario with `site:`; NULL: refused with
                                  PX_EUNSUPPORTED before anything runs */
    void *site_user;
    const char *project;    /* NULL: the scenario's `project.path`; else this project (a file,
                               taken as given, or a "PG:..." string) instead */
} px_run_options;

typedef struct px_run_report {
    size_t n_steps;
    size_t n_ran;       /* steps executed */
    size_t n_unchanged; /* steps skipped */
    double seconds;
    char name[64];      /* the run's name */
    char project[4096]; /* path of the project store used */
    char output_dir[4096];
} px_run_report;

/* Run scenario `sc` (borrowed). Creates the output folder and the project
 * (with the scenario's CRS) when missing. Steps run in order; a step runs
 * when its hash (parameters, content of its input files, hashes of its
 * upstream steps) differs from the one recorded in the project for the last
 * time it ran, when one of its outputs is missing, when one of its tables
 * was rewritten outside the run (its revision changed), or with `force`. After
 * the steps, the run's per-commune values are snapshotted into
 * px_run_values under the run's name. Every record is written in its own
 * transaction; an analysis that fails leaves the store as it was before that
 * step and the run is recorded as failed. `opts` may be NULL; `report` may
 * be NULL. Returns the failing step's status (its message names the step),
 * PX_EIO (output folder), PX_ECRS, PX_ESQLITE, PX_ENOMEM, PX_ECANCELLED. */
px_status px_run(px_ctx *ctx, const px_scenario *sc, const px_run_options *opts, px_run_report *report);

/* ---- what-ifs as runs ------------------------------------------------------ */

typedef struct px_whatif_run_report {
    char baseline[64];    /* the run the what-if was applied to */
    int baseline_created; /* 1: the project had no run; the what-if's "before" was recorded as it */
    int64_t n_disagree;   /* baseline values (residents within) that matched neither side of the
                             what-if (another threshold or other data): left as they were */
} px_whatif_run_report;

/* Record the service what-if last written to `store` (the table
 * services_whatif_communes, by px_services_whatif) as run `name`: the values
 * of run `baseline` (NULL: the latest run with status ok; when the project
 * has none, the what-if's "before" side is first recorded as run
 * "baseline") with the what-if applied: in the derived table
 * services_access (key mode, category) residents_within and share become
 * the what-if's "after", residents_gaining and residents_losing its counts;
 * in access_communes the <mode>_<category>_share values become "after" where
 * they equal its "before". So `proxima compare PROJECT baseline name` lists
 * per commune the residents gaining and losing. `description` (borrowed)
 * is stored as the run's scenario. One transaction. Returns PX_EARG (bad
 * name, or name == baseline), PX_ENOTFOUND (no such baseline run, or no
 * what-if table), PX_ESQLITE, PX_ENOMEM. `out` may be NULL. */
px_status px_run_record_whatif(px_ctx *ctx, px_store *store, const char *name, const char *baseline,
                               const char *description, px_whatif_run_report *out);

/* ---- the observatory -------------------------------------------------------- */

/* One recorded run. Strings owned by the array (px_run_infos_free). */
typedef struct px_run_info {
    char *name;
    char *scenario;   /* path of the scenario file as given */
    char *started_at; /* ISO 8601 UTC */
    char *status;     /* "ok", "failed", "running" (interrupted) */
    int64_t n_steps, n_ran;
    double seconds;
    char *headline; /* JSON object of headline figures, "{}" if none */
} px_run_info;

/* Every run recorded in `store` (borrowed), oldest first. *out caller-frees
 * with px_run_infos_free(*out, *n). A project without runs gives 0 rows.
 * Returns PX_ESQLITE, PX_ENOMEM. */
px_status px_runs_list(px_ctx *ctx, px_store *store, px_run_info **out, size_t *n);
void px_run_infos_free(px_run_info *runs, size_t n);

/* One per-commune value that differs between two runs. */
typedef struct px_run_change {
    char *table;      /* result table it comes from ("access_communes") */
    char *commune_id; /* "*" for the whole region */
    char *commune_name;
    char *key;        /* the row's other text columns ("mode=walk;category=food"), "" if none */
    char *indicator;  /* the column ("walk_all_share") */
    int has_a, has_b; /* 0 when the run has no such value (table absent or value NULL) */
    double a, b;      /* values in run A and B when has_*; b - a is the change */
} px_run_change;

/* Per-commune values that differ between runs `a` and `b` (exactly: the
 * snapshots are of the same computation), ordered by table, commune, key,
 * indicator. *out caller-frees with px_run_changes_free. Returns
 * PX_ENOTFOUND (no run of that name: the message lists the runs),
 * PX_ESQLITE, PX_ENOMEM. */
px_status px_runs_compare(px_ctx *ctx, px_store *store, const char *a, const char *b, px_run_change **out,
                          size_t *n);
void px_run_changes_free(px_run_change *changes, size_t n);

/* Write the result table `run_compare` (MULTIPOLYGON, one row per commune
 * of the `communes` layer): commune_id, commune_name, n_changed, and one
 * REAL column per indicator that changed anywhere, named
 * d_<table>_<key values>_<indicator> (lowercase, other characters `_`),
 * holding B - A (NULL where unchanged). `changes` as px_runs_compare gave
 * them (borrowed). Replaces the table in one transaction. Returns
 * PX_ENOTFOUND (no communes layer), PX_ESQLITE, PX_ENOMEM. */
px_status px_runs_compare_write(px_ctx *ctx, px_store *store, const px_run_change *changes, size_t n);

#ifdef __cplusplus
}
#endif

#endif
