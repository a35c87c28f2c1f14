/*
 * px_run_record_whatif: a service what-if (or the what-if of the sites
 * chosen by site-services) recorded as a named run, so that `proxima
 * compare` shows its per-commune gains like any other pair of runs. The run
 * is the baseline's values with the what-if applied (store_runs_svc.c);
 * nothing is recomputed here. A scenario with a `services` analysis gets
 * the same through px__run_snapshot.
 */
#include "run_int.h"
#include "../store/store_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

px_status px_run_record_whatif(px_ctx *ctx, px_store *store, const char *name, const char *baseline,
                               const char *description, px_whatif_run_report *out)
{
    if (!ctx) return PX_EINVAL;
    if (!store || !name) return px__error(ctx, PX_EINVAL, "px_run_record_whatif: NULL argument");
    if (!px__run_name_ok(name))
        return px__error(ctx, PX_EARG, "run name '%s': 1 to 63 characters, no '/' or control characters", name);
    if (baseline && !px__run_name_ok(baseline))
        return px__error(ctx, PX_EARG, "baseline run name '%s': 1 to 63 characters, no '/' or control characters",
                         baseline);
    if (!px_store_has_table(store, "services_whatif_communes"))
        return px__error(ctx, PX_ENOTFOUND, "%s: no what-if to record (run `proxima services` first)",
                         px_store_path(store));
    px_whatif_run_report rep = {0};
    char *base = NULL;
    px_status rc = PX_OK;
    if (baseline) {
        int ok = 0;
        rc = px__runs_exists(store, baseline, &ok);
        if (rc == PX_OK && !ok) {
            char *all = px__runs_names(store);
            rc = px__error(ctx, PX_ENOTFOUND, "%s: no run named '%s' to apply the what-if to (runs: %s)",
                           px_store_path(store), baseline, all && *all ? all : "none");
            free(all);
        }
        if (rc == PX_OK && !(base = px__strdup(baseline))) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    } else {
        rc = px__runs_latest_ok(store, name, &base);
        if (rc == PX_OK && !base) {
            rep.baseline_created = 1;
            if (!(base = px__strdup(strcmp(name, "baseline") ? "baseline" : "before")))
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
        }
    }
    if (rc == PX_OK && !strcmp(base, name))
        rc = px__error(ctx, PX_EARG, "run '%s': a what-if cannot replace the run it is applied to", name);
    if (rc != PX_OK) {
        free(base);
        return rc;
    }
    snprintf(rep.baseline, sizeof rep.baseline, "%s", base);

    char started[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *what = description ? description : "services what-if";
    char *params = px__json_canonical(json_pack("{s:s}", "baseline", base));
    if (!params) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK && (rc = px_store_begin(store)) == PX_OK) {
        rc = px__runs_schema(store);
        if (rc == PX_OK && rep.baseline_created) {
            rc = px__runs_begin(store, base, "services what-if: the services as loaded", "", started);
            if (rc == PX_OK) rc = px__runs_whatif_before(store, base);
            if (rc == PX_OK) rc = px__runs_finish(store, base, "ok", 0, 0, 0, "{}");
        }
        if (rc == PX_OK) rc = px__runs_begin(store, name, what, "", started);
        if (rc == PX_OK) rc = px__runs_copy(store, base, name);
        if (rc == PX_OK) rc = px__runs_apply_whatif(store, name, &rep.n_disagree);
        if (rc == PX_OK)
            rc = px__runs_step_add(store, name, 0, "services what-if", "", "ran", "what-if", params, 0, 0, 0);
        char *headline = rc == PX_OK ? px__runs_headline(store, name) : NULL;
        if (rc == PX_OK) rc = px__runs_finish(store, name, "ok", 0, 1, 1, headline ? headline : "{}");
        free(headline);
        if (rc == PX_OK)
            rc = px_store_commit(store);
        else
            px_store_rollback(store);
    }
    free(params);
    free(base);
    if (rc == PX_OK && rep.n_disagree)
        px__log(ctx, PX_LOG_WARN,
                "what-if run '%s': %lld values of run '%s' match neither side of the what-if (another threshold or "
                "other data): left as they were",
                name, (long long)rep.n_disagree, rep.baseline);
    if (rc == PX_OK && out) *out = rep;
    return rc;
}
