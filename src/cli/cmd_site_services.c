/* `proxima site-services PROJECT --category C --new K --candidates ...`:
 * choose K new service sites (coverage, p-median or equity objective). */
#include "opts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_opt site_opts[] = {
    {"category", 0, PX_OPT_TEXT, "CAT", .flags = PX_OPTF_REQUIRED, .help = "service category to site"},
    {"new", 0, PX_OPT_INT, "K", 1, 1000, PX_OPTF_REQUIRED, .help = "number of new sites"},
    {"candidates", 0, PX_OPT_TEXT, "LAYER|grid:M",
     .help = "candidate sites: the features of LAYER, or a grid of spacing M metres over the residents"},
    {"candidates-from", 0, PX_OPT_TEXT, "LAYER", .help = "same as --candidates LAYER (e.g. brownfields)"},
    {"objective", 0, PX_OPT_TEXT, "OBJ", .choices = "coverage,pmedian,equity", .def = "coverage",
     .help = "residents newly within reach / weighted mean minutes / lowest commune share"},
    PX_OPT_MODE,
    PX_OPT_MINUTES("15"),
    PX_OPT_MAX_MINUTES("30", "p-median: minutes counted at most (unreachable = this)"),
    PX_OPT_SNAP_M,
    PX_OPT_THREADS,
    {"no-swap", 0, PX_OPT_FLAG, .help = "skip the 1-swap local search"},
    {"no-lazy", 0, PX_OPT_FLAG, .help = "plain greedy instead of lazy evaluation (a check)"},
    {"exact-max", 0, PX_OPT_NUMBER, "N", 0, 1e9, .def = "100000",
     .help = "enumerate the exact optimum when at most N subsets (0: never)"},
    {"mip-seconds", 0, PX_OPT_NUMBER, "S", 0, 3600, .def = "10",
     .help = "also solve the exact MIP (GLPK) within S seconds and report the gap to its optimum or LP bound (0: not)"},
    {"mip-max-pairs", 0, PX_OPT_INT, "N", 1, 100000000, .def = "50000",
     .help = "skip the MIP when the instance has more (candidate, resident) pairs"},
    PX_OPT_RUN_NAME,
    {0}};

const px_cmd_spec px_spec_site_services = {
    .name = "site-services",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = site_opts,
    .about = "Choose K new sites for the services of one category among candidates (a layer,\n"
             "e.g. brownfields, or a grid), for one objective: coverage (maximal covering:\n"
             "residents newly within --minutes), pmedian (population-weighted mean minutes to\n"
             "the nearest service, capped at --max-minutes) or equity (the lowest commune\n"
             "share within --minutes). One catchment search per candidate (--threads), then\n"
             "greedy with lazy evaluation (CELF), then a 1-swap local search while a swap\n"
             "improves; when the instance is small (--exact-max subsets) the exact optimum by\n"
             "enumeration and the optimality gap are reported. Up to --mip-max-pairs pairs, the\n"
             "problem is also solved exactly as a mixed-integer programme with GLPK (LP\n"
             "relaxation, then branch and bound, --mip-seconds in all): `mip_gap` is the\n"
             "relative gap of the final value to the MIP optimum, or to the LP bound when\n"
             "the time limit stops it (`mip time limit`).\n"
             "Writes the table services_sites (rank, candidate_id, x, y, gain, objective:\n"
             "cumulative, POINT). Check a result with `proxima services --project-xy --add X,Y ...`.\n"
             "--name NAME also runs that what-if (the chosen sites opened, --mode) and records\n"
             "it as run NAME, as `proxima services --name` does, for `proxima compare`.\n",
    .examples = "proxima site-services demo.sqlite --category health --new 3 --candidates grid:500\n"
                "proxima site-services demo.sqlite --category school --new 2 --candidates-from brownfields --objective equity\n",
};

/* The what-if of the chosen sites (opened, capacity 1), for --name. */
static px_status whatif_of_sites(px_cli *cli, px_store *store, const px_site_options *o)
{
    static const char *const cols[] = {"x", "y", NULL};
    px_table_reader *r = NULL;
    px_svc_change *ch = NULL;
    size_t n = 0, cap = 0;
    int has = 0;
    px_status st = px_store_reader_open(store, "services_sites", cols, 0, NULL, &r);
    while (st == PX_OK && (st = px_table_reader_next(r, &has)) == PX_OK && has) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            px_svc_change *g = realloc(ch, cap * sizeof *g);
            if (!g) {
                st = PX_ENOMEM;
                break;
            }
            ch = g;
        }
        ch[n++] = (px_svc_change){.kind = PX_SVC_ADD, .x = px_table_reader_real(r, 0), .y = px_table_reader_real(r, 1)};
    }
    px_table_reader_close(r);
    px_whatif_options w = {.category = o->category,
                           .modes = 1u << o->mode,
                           .minutes = o->minutes,
                           .max_snap_m = o->max_snap_m,
                           .n_threads = o->n_threads};
    if (st == PX_OK) st = px_services_whatif(cli->ctx, store, ch, n, &w, NULL);
    free(ch);
    return st;
}

int cmd_site_services(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_site_services, argc, argv, &a);
    if (!a) return rc;
    px_site_options o = {.category = px_args_text(a, "category"),
                         .k = (size_t)px_args_int(a, "new"),
                         .mode = px_args_mode(a),
                         .minutes = px_args_number(a, "minutes"),
                         .cap_minutes = px_args_number(a, "max-minutes"),
                         .max_snap_m = px_args_number(a, "snap-m"),
                         .n_threads = (int)px_args_int(a, "threads"),
                         .max_subsets = px_args_number(a, "exact-max"),
                         .mip_seconds = px_args_number(a, "mip-seconds"),
                         .mip_max_pairs = (size_t)px_args_int(a, "mip-max-pairs")};
    if (px_args_flag(a, "no-swap")) o.flags |= PX_SITE_NO_SWAP;
    if (px_args_flag(a, "no-lazy")) o.flags |= PX_SITE_NO_LAZY;
    const char *cand = px_args_text(a, "candidates"), *from = px_args_text(a, "candidates-from");
    if (cand && from) rc = px_cli_usage_error("site-services", "give --candidates or --candidates-from, not both");
    else if (!cand && !from) rc = px_cli_usage_error("site-services", "give --candidates LAYER|grid:M or --candidates-from LAYER");
    else if (from) o.candidates_layer = from;
    else if (!strncmp(cand, "grid:", 5)) {
        char *end = NULL;
        o.grid_m = strtod(cand + 5, &end);
        if (end == cand + 5 || *end || !(o.grid_m >= 10 && o.grid_m <= 100000))
            rc = px_cli_usage_error("site-services", "--candidates %s: want grid:M with M in [10, 100000] metres", cand);
    } else
        o.candidates_layer = cand;
    const char *run = px_args_text(a, "name");
    if (rc == PX_EXIT_OK && px_args_text(a, "baseline") && !run)
        rc = px_cli_usage_error("site-services", "--baseline needs --name (the run to record)");
    else if (rc == PX_EXIT_OK && run && px_args_text(a, "baseline") && !strcmp(px_args_text(a, "baseline"), run))
        rc = px_cli_usage_error("site-services", "--name %s: a what-if cannot replace the run it is applied to", run);
    if (rc == PX_EXIT_OK && o.cap_minutes < o.minutes)
        rc = px_cli_usage_error("site-services", "--max-minutes (%g) must be at least --minutes (%g)", o.cap_minutes,
                                o.minutes);
    const char *objname = px_args_text(a, "objective");
    px_store *store = NULL;
    px_site_report rep = {0};
    if (rc == PX_EXIT_OK) {
        px_status st = px_site_objective_lookup(cli->ctx, objname, &o.objective);
        if (st == PX_OK) {
            store = px_cli_open_store(cli, px_args_pos(a, 0), 0);
            if (!store) rc = PX_EXIT_RUNTIME;
            else rc = px_cli_check_baseline(cli, store, px_args_text(a, "baseline"), "site-services");
        }
        if (rc == PX_EXIT_OK && st == PX_OK) st = px_site_services(cli->ctx, store, &o, &rep);
        if (rc == PX_EXIT_OK && st != PX_OK) rc = px_cli_fail(cli, st);
    }
    if (rc == PX_EXIT_OK) {
        px_cli_info(cli, "site-services: %zu candidates (%zu on the network), %zu pairs, catchments %.2f s, solve %.2f s\n",
                    rep.n_candidates, rep.n_candidates_used, rep.n_pairs, rep.catchment_s, rep.solve_s);
        printf("objective %s\n", objname);
        printf("sites %zu\n", rep.k);
        printf("base %.4f\n", rep.base);
        printf("greedy %.4f\n", rep.greedy);
        printf("final %.4f\n", rep.final);
        printf("swaps %zu\n", rep.n_swaps);
        if (isnan(rep.exact))
            printf("exact NA\n");
        else {
            double gap = rep.exact - rep.final;
            if (o.objective == PX_SITE_PMEDIAN) gap = -gap;
            if (gap < 1e-9 * fabs(rep.exact)) gap = 0; /* summation order, never worse than the optimum */
            printf("exact %.4f\ngap %.4f\n", rep.exact, fabs(rep.exact) > 0 ? gap / fabs(rep.exact) : gap);
        }
        printf("mip %s\n", px_site_mip_status_name(rep.mip_status));
        if (rep.mip_status == PX_SITE_MIP_OPTIMAL || rep.mip_status == PX_SITE_MIP_TIME_LIMIT) {
            printf("mip_value %.4f\nmip_bound %.4f\n", rep.mip_value, rep.mip_bound);
            double gap = rep.mip_bound - rep.final;
            if (o.objective == PX_SITE_PMEDIAN) gap = -gap;
            if (gap < 1e-9 * fabs(rep.mip_bound)) gap = 0;
            printf("mip_gap %.4f\n", fabs(rep.mip_bound) > 0 ? gap / fabs(rep.mip_bound) : gap);
        }
    }
    if (rc == PX_EXIT_OK && run) {
        px_status st = whatif_of_sites(cli, store, &o);
        if (st != PX_OK) rc = px_cli_fail(cli, st);
        if (rc == PX_EXIT_OK) rc = px_cli_record_whatif(cli, store, run, px_args_text(a, "baseline"), "site-services");
    }
    px_store_close(store);
    px_args_free(a);
    return rc;
}
