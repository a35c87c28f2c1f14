/*
 * px_run: a scenario end to end. Builds the plan, opens (or creates) the
 * project, and for each step computes its hash (Proxima's version, the
 * step's id and parameters, the content of its input files, the hashes of
 * the steps it depends on), compares it with the hash the project recorded
 * when the step last ran, and runs the step only when they differ, when its
 * output is missing, or when asked to. Every step is recorded in
 * px_run_steps; a step that ran sets px_run_state. At the end the run's
 * per-commune results are snapshotted into px_run_values under its name.
 *
 * Time and memory per step: wall and CPU time from the clocks, peak
 * resident memory from the kernel's high-water mark (VmHWM), reset before
 * each step through /proc/self/clear_refs; where that is not possible, the
 * process peak so far (getrusage), which can only grow.
 */
#include "run_int.h"
#include "../store/store_runs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static int peak_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) return 0;
    int ok = fputs("5", f) >= 0;
    ok &= fclose(f) == 0;
    return ok;
}

static int64_t peak_rss_kb(int was_reset)
{
    if (was_reset) {
        FILE *f = fopen("/proc/self/status", "r");
        char line[256];
        long long kb = -1;
        while (f && fgets(line, sizeof line, f))
            if (sscanf(line, "VmHWM: %lld kB", &kb) == 1) break;
        if (f) fclose(f);
        if (kb >= 0) return kb;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (int64_t)ru.ru_maxrss;
}

static px_status mkdirs(px_ctx *ctx, const char *path)
{
    char *buf = px__strdup(path);
    if (!buf) return px__error(ctx, PX_ENOMEM, "out of memory");
    px_status rc = PX_OK;
    for (char *p = buf + 1;; p++) {
        if (*p && *p != '/') continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            rc = px__error(ctx, PX_EIO, "%s: cannot create the folder: %s", buf, strerror(errno));
            break;
        }
        *p = c;
        if (!c) break;
    }
    free(buf);
    return rc;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static px_status step_hash(px_ctx *ctx, const px_scenario *sc, const px__plan *plan, px__step *st,
                           px_store *store)
{
    px__hash *h = px__hash_new();
    if (!h) return px__error(ctx, PX_ENOMEM, "out of memory");
    px__hash_text(h, "proxima " PX_VERSION_STRING);
    px__hash_text(h, st->id);
    px__hash_text(h, st->params);
    px_status rc = PX_OK;
    for (size_t i = 0; rc == PX_OK && i < st->files.n; i++)
        rc = px__hash_path(ctx, h, st->files.v[i]);
    for (size_t i = 0; i < st->n_deps; i++)
        px__hash_text(h, plan->steps[st->deps[i]].hash);
    /* A report compared with an earlier run changes when that run's values do. */
    if (rc == PX_OK && st->kind == PX__STEP_REPORT && sc->report_compare) {
        char *vals = store ? px__runs_values_text(store, sc->report_compare) : px__strdup("none");
        if (!vals) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        px__hash_text(h, vals);
        free(vals);
    }
    px__hash_final(h, st->hash);
    return rc;
}

/* "table=revision,..." of the tables the step writes ("table=-" when
 * absent): a table rewritten by a command outside the run gets a new
 * revision, so the step runs again. Caller-frees. */
static char *revisions(px_store *store, const px__step *st)
{
    char *out = px__strdup("");
    for (size_t t = 0; out && t < st->n_tables; t++) {
        px_table_info *ti = NULL;
        char rev[32] = "-";
        if (px_store_has_table(store, st->tables[t]) &&
            px_store_table_info(store, st->tables[t], &ti) == PX_OK)
            snprintf(rev, sizeof rev, "%lld", (long long)ti->revision);
        px_table_info_free(ti, 1);
        char *n = px__asprintf("%s%s%s=%s", out, *out ? "," : "", st->tables[t], rev);
        free(out);
        out = n;
    }
    return out;
}

/* Is something the step makes missing (a table of the project, its file)? */
static int output_missing(px_store *store, const px__step *st, const char *outdir)
{
    for (size_t t = 0; t < st->n_tables; t++)
        if (!px_store_has_table(store, st->tables[t])) return 1;
    if (st->output) {
        char *p = px__asprintf("%s/%s", outdir, st->output);
        int miss = !p || !exists(p);
        free(p);
        return miss;
    }
    return 0;
}

/* Record one step in its own transaction. */
static px_status record_step(px_store *store, const char *run, size_t pos, const px__step *st,
                             const char *status, const char *reason, double sec, double cpu, int64_t rss,
                             int set_state)
{
    char *revs = set_state ? revisions(store, st) : NULL;
    if (set_state && !revs) return PX_ENOMEM;
    px_status rc = px_store_begin(store);
    if (rc == PX_OK)
        rc = px__runs_step_add(store, run, (int64_t)pos, st->id, st->hash, status, reason, st->params, sec,
                               cpu, rss);
    if (rc == PX_OK && set_state) rc = px__runs_state_set(store, st->id, st->hash, run, revs);
    free(revs);
    if (rc == PX_OK)
        rc = px_store_commit(store);
    else
        px_store_rollback(store);
    return rc;
}

/* Is there a project at `path`? A file that exists; for a PostGIS string,
 * a schema holding a project (*out then holds it open). A database that
 * cannot be reached is an error, not a missing project. */
static px_status project_exists(px_ctx *ctx, const char *path, int *found, px_store **out)
{
    *found = 0;
    if (!px_store_is_conninfo(path)) {
        *found = exists(path);
        return PX_OK;
    }
    px_status rc = px_store_open(ctx, path, 0, out);
    if (rc == PX_ENOTPROJECT) {
        px_ctx_clear_error(ctx);
        return PX_OK;
    }
    *found = rc == PX_OK;
    return rc;
}

static px_status open_project(px_ctx *ctx, const px_scenario *sc, const char *path, px_store **out)
{
    int found = 0;
    *out = NULL;
    px_status rc = project_exists(ctx, path, &found, out);
    if (rc != PX_OK) return rc;
    if (!found) return px_store_create(ctx, path, sc->crs, out);
    if (!*out && (rc = px_store_open(ctx, path, 0, out)) != PX_OK) return rc;
    if (strcmp(px_store_crs(*out), sc->crs)) {
        rc = px__error(ctx, PX_ECRS, "%s:%d: the project %s is in %s, the scenario says %s", sc->path,
                       sc->project_line, px_store_path(*out), px_store_crs(*out), sc->crs);
        px_store_close(*out);
        *out = NULL;
    }
    return rc;
}

int px__run_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 63) return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == '/' || *s == '\\') return 0;
    return 1;
}

/* Inside the caller's transaction: the per-commune snapshot of the run. */
px_status px__run_snapshot(px_ctx *ctx, px_store *store, const px_scenario *sc, const px__plan *plan, const char *run)
{
    px_status rc = PX_OK;
    for (size_t i = 0; rc == PX_OK && i < plan->n; i++)
        for (size_t k = 0; rc == PX_OK && plan->steps[i].snapshot[k]; k++)
            if (px_store_has_table(store, plan->steps[i].snapshot[k]))
                rc = px__runs_snapshot(store, run, plan->steps[i].snapshot[k]);
    /* services_access: residents within the access threshold per commune,
     * mode and category; with a services what-if in the scenario, its
     * changes applied (a value equal to its "before" becomes its "after"). */
    if (rc == PX_OK && sc->has_access)
        rc = px__runs_access_residents(store, run, sc->access.minutes > 0 ? sc->access.minutes : 15);
    if (rc == PX_OK && sc->has_services) {
        int64_t n_disagree = 0;
        rc = px__runs_apply_whatif(store, run, &n_disagree);
        if (rc == PX_OK && n_disagree)
            px__log(ctx, PX_LOG_WARN,
                    "run '%s': %lld residents-within values match neither side of the services what-if (its "
                    "minutes or snap_m differ from access'): left as access gave them",
                    run, (long long)n_disagree);
    }
    /* cycle_plan: the cycle figures of the network the scenario describes,
     * with its planned links when it has some (the what-if's "after"),
     * else as built. So that "with the plan vs without" compares the same
     * indicator, not a what-if table present on one side only. */
    if (rc == PX_OK && sc->has_cycle) {
        int plan_run = sc->planned_links && px_store_has_table(store, "cycle_whatif");
        if (plan_run) {
            rc = px__runs_snapshot_columns(store, run, "cycle_plan", "cycle_whatif", "score_after", "score");
            if (rc == PX_OK)
                rc = px__runs_snapshot_columns(store, run, "cycle_plan", "cycle_whatif", "covered_after",
                                               "covered_pct");
        } else if (px_store_has_table(store, "cycle_connectivity") &&
                   px_store_has_table(store, "cycle_coverage")) {
            rc = px__runs_snapshot_columns(store, run, "cycle_plan", "cycle_connectivity", "score", "score");
            if (rc == PX_OK)
                rc = px__runs_snapshot_columns(store, run, "cycle_plan", "cycle_coverage", "covered_pct",
                                               "covered_pct");
        }
    }
    return rc;
}

/* Inside the caller's transaction: status, time and headline of the run. */
static px_status finish(px_store *store, const char *run, const char *status, double sec, size_t n_steps,
                        size_t n_ran)
{
    char *headline = px__runs_headline(store, run);
    px_status rc = px__runs_finish(store, run, status, sec, (int64_t)n_steps, (int64_t)n_ran,
                                   headline ? headline : "{}");
    free(headline);
    return rc;
}

px_status px_run(px_ctx *ctx, const px_scenario *sc, const px_run_options *opts, px_run_report *report)
{
    if (!ctx) return PX_EINVAL;
    if (!sc) return px__error(ctx, PX_EINVAL, "px_run: NULL scenario");
    px_run_options dflt = {0};
    if (!opts) opts = &dflt;
    px_run_report rep = {0};
    double t_start = px__now();
    char started[32], date[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    const char *name = opts->name ? opts->name : date;
    if (!px__run_name_ok(name))
        return px__error(ctx, PX_EARG, "run name '%s': 1 to 63 characters, no '/' or control characters",
                         name);
    snprintf(rep.name, sizeof rep.name, "%s", name);
    const char *outdir = opts->output_dir ? opts->output_dir : sc->output;
    snprintf(rep.output_dir, sizeof rep.output_dir, "%s", outdir);
    /* A PostGIS project string is not a path: it is kept as written. */
    if (opts->project)
        snprintf(rep.project, sizeof rep.project, "%s", opts->project);
    else if (sc->project[0] == '/' || px_store_is_conninfo(sc->project))
        snprintf(rep.project, sizeof rep.project, "%s", sc->project);
    else
        snprintf(rep.project, sizeof rep.project, "%s/%s", outdir, sc->project);

    px__plan plan = {0};
    px_store *store = NULL;
    if (sc->site_dir && !opts->write_site)
        return px__error(ctx, PX_EUNSUPPORTED, "%s:%d: output 'site' is not available in this build", sc->path,
                         sc->site_line);
    px_status rc = px__plan_build(ctx, sc, &plan);
    /* Every hash first: a missing input file stops the run before the
     * project is touched. A step's hash needs only its upstream hashes. */
    int have_project = 0;
    if (rc == PX_OK) rc = project_exists(ctx, rep.project, &have_project, &store);
    if (store) {
        px_store_close(store);
        store = NULL;
    }
    if (rc == PX_OK && have_project) rc = open_project(ctx, sc, rep.project, &store);
    for (size_t i = 0; rc == PX_OK && i < plan.n; i++)
        rc = step_hash(ctx, sc, &plan, &plan.steps[i], store);
    if (rc == PX_OK) rc = mkdirs(ctx, outdir);
    if (rc == PX_OK && !store) rc = open_project(ctx, sc, rep.project, &store);
    int begun = 0; /* the run's record exists: a failure from now on is recorded */
    if (rc == PX_OK && (rc = px_store_begin(store)) == PX_OK) {
        rc = px__runs_schema(store);
        if (rc == PX_OK) rc = px__runs_begin(store, name, sc->path, sc->sha256, started);
        if (rc == PX_OK)
            rc = px_store_commit(store);
        else
            px_store_rollback(store);
        begun = rc == PX_OK;
    }
    /* Tables made by this run carry its date, not the time of day. */
    if (rc == PX_OK) rc = px_store_set_clock(store, date);
    rep.n_steps = plan.n;
    int *ran = calloc(plan.n + 1, sizeof *ran);
    if (rc == PX_OK && !ran) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    int failed = rc != PX_OK;
    /* Records of unchanged steps share one transaction (with the snapshot
     * at the end when nothing runs): a run where nothing changed commits
     * twice, not once per step. It is committed before any step runs. */
    int batch = 0;
    for (size_t i = 0; rc == PX_OK && i < plan.n; i++) {
        px__step *st = &plan.steps[i];
        if (px__cancelled(ctx)) {
            rc = px__error(ctx, PX_ECANCELLED, "run '%s': cancelled before step '%s'", name, st->id);
            failed = 1;
            break;
        }
        char old[65] = "", *old_revs = NULL, *revs = NULL;
        int found = 0;
        rc = px__runs_state_get(store, st->id, old, &old_revs, &found);
        if (rc == PX_OK && found && st->n_tables && !(revs = revisions(store, st)))
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
        int outside = revs && old_revs && strcmp(revs, old_revs) != 0;
        free(revs);
        free(old_revs);
        if (rc != PX_OK) break;
        int upstream = 0;
        for (size_t d = 0; d < st->n_deps; d++)
            upstream |= ran[st->deps[d]];
        const char *reason = opts->force                         ? "forced"
                             : !found                            ? "new"
                             : strcmp(old, st->hash) && upstream ? "upstream step changed"
                             : strcmp(old, st->hash)             ? "parameters or inputs changed"
                             : output_missing(store, st, outdir) ? "output missing"
                             : outside                           ? "tables changed outside the run"
                                                                 : "unchanged";
        int run_it = strcmp(reason, "unchanged") != 0;
        px_run_step_info info = {
            .id = st->id, .index = i, .n_steps = plan.n, .ran = run_it, .reason = reason};
        if (opts->on_step) opts->on_step(opts->user, &info);
        if (!run_it) {
            if (!batch && (rc = px_store_begin(store)) == PX_OK) batch = 1;
            if (rc == PX_OK)
                rc = px__runs_step_add(store, name, (int64_t)i, st->id, st->hash, "unchanged", reason,
                                       st->params, 0, 0, 0);
            rep.n_unchanged++;
            info.finished = 1;
            if (opts->on_step) opts->on_step(opts->user, &info);
            continue;
        }
        if (batch) {
            batch = 0;
            if ((rc = px_store_commit(store)) != PX_OK) break;
        }
        double t0 = px__now(), c0 = px__cpu_now();
        int reset = peak_reset();
        px__exec_env env = {outdir, name, date, opts->write_site, opts->site_user};
        px_status srs = px__step_exec(ctx, sc, &plan, st, store, &env);
        info.finished = 1;
        info.status = srs;
        info.seconds = px__now() - t0;
        info.cpu_seconds = px__cpu_now() - c0;
        info.peak_rss_kb = peak_rss_kb(reset);
        ran[i] = srs == PX_OK;
        rep.n_ran++;
        if (srs != PX_OK) {
            /* Keep the step's own message and say which step it was. */
            char *msg = px__strdup(px_ctx_errmsg(ctx));
            record_step(store, name, i, st, "failed", reason, info.seconds, info.cpu_seconds,
                        info.peak_rss_kb, 0);
            rc = px__error(ctx, srs, "step '%s': %s", st->id, msg ? msg : px_strerror(srs));
            free(msg);
            failed = 1;
        } else {
            rc = record_step(store, name, i, st, "ran", reason, info.seconds, info.cpu_seconds,
                             info.peak_rss_kb, 1);
        }
        if (opts->on_step) opts->on_step(opts->user, &info);
    }
    rep.seconds = px__now() - t_start;
    if (rc == PX_OK && !batch && (rc = px_store_begin(store)) == PX_OK) batch = 1;
    if (rc == PX_OK) rc = px__run_snapshot(ctx, store, sc, &plan, name);
    if (rc == PX_OK) rc = finish(store, name, "ok", rep.seconds, plan.n, rep.n_ran);
    if (rc == PX_OK) {
        batch = 0;
        rc = px_store_commit(store);
    }
    if (batch) px_store_rollback(store);
    if (begun && (failed || rc != PX_OK)) {
        /* Record the failure; the run's own error stays the one reported. */
        char *msg = px__strdup(px_ctx_errmsg(ctx));
        px_status keep = px_ctx_errcode(ctx);
        if (px_store_begin(store) == PX_OK) {
            if (finish(store, name, "failed", rep.seconds, plan.n, rep.n_ran) == PX_OK)
                px_store_commit(store);
            else
                px_store_rollback(store);
        }
        px__error(ctx, keep, "%s", msg ? msg : px_strerror(keep));
        free(msg);
    }
    free(ran);
    px_store_close(store);
    px__plan_clear(&plan);
    if (report) *report = rep; /* on failure: what was done before it */
    return rc;
}

px_status px_runs_list(px_ctx *ctx, px_store *store, px_run_info **out, size_t *n)
{
    if (!ctx) return PX_EINVAL;
    if (!store || !out || !n) return px__error(ctx, PX_EINVAL, "px_runs_list: NULL argument");
    return px__runs_list(store, out, n);
}

px_status px_runs_compare(px_ctx *ctx, px_store *store, const char *a, const char *b, px_run_change **out,
                          size_t *n)
{
    if (!ctx) return PX_EINVAL;
    if (!store || !a || !b || !out || !n) return px__error(ctx, PX_EINVAL, "px_runs_compare: NULL argument");
    const char *names[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        int ok = 0;
        px_status rc = px__runs_exists(store, names[i], &ok);
        if (rc != PX_OK) return rc;
        if (!ok) {
            char *all = px__runs_names(store);
            rc = px__error(ctx, PX_ENOTFOUND, "%s: no run named '%s' (runs: %s)", px_store_path(store),
                           names[i], all && *all ? all : "none");
            free(all);
            return rc;
        }
    }
    return px__runs_compare(store, a, b, out, n);
}
