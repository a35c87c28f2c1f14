/* `proxima services PROJECT --category C --add ... --close ... --move ...`:
 * what-if on the services of one category; tables, and a printed summary. */
#include "opts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_opt services_opts[] = {
    {"category", 0, PX_OPT_TEXT, "CAT", .flags = PX_OPTF_REQUIRED, .help = "service category to change"},
    {"add", 0, PX_OPT_TEXT, "LON,LAT[,CAP]", .flags = PX_OPTF_REPEAT,
     .help = "open a service there (capacity CAP for 2SFCA, default 1)"},
    {"close", 0, PX_OPT_TEXT, "ID", .flags = PX_OPTF_REPEAT, .help = "close the service with this id"},
    {"move", 0, PX_OPT_TEXT, "ID:LON,LAT", .flags = PX_OPTF_REPEAT, .help = "move the service with this id"},
    {"changes", 0, PX_OPT_PATH, "FILE",
     .help = "changes from a vector file: per feature `action` add|close|move, `id`, `capacity`, a Point"},
    {"project-xy", 0, PX_OPT_FLAG, .help = "places of --add and --move are X,Y in the project CRS, not LON,LAT"},
    {"save-layer", 0, PX_OPT_TEXT, "NAME",
     .help = "also write the category's services after the changes to table NAME"},
    PX_OPT_MODES,
    PX_OPT_MINUTES("15"),
    PX_OPT_SNAP_M,
    PX_OPT_THREADS,
    PX_OPT_RUN_NAME,
    {0}};

const px_cmd_spec px_spec_services = {
    .name = "services",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = services_opts,
    .about = "What-if on the services of one category: open (--add), close (--close) or move\n"
             "(--move) services, each option repeatable, and measure per mode the residents\n"
             "gaining and losing a service within --minutes, per commune and for the region,\n"
             "and the change in the equity indicators (2SFCA ratio per 1,000 residents:\n"
             "population-weighted mean, Gini, Palma) against the baseline.\n"
             "The baseline is one catchment search per service of the category; each added\n"
             "or moved service costs one more search, a closure none. The counts equal a\n"
             "full re-run of `proxima access` on the modified services (--save-layer writes\n"
             "them, for `proxima access --layers NAME`).\n"
             "--changes FILE reads more changes from a vector file (GeoJSON...), one feature\n"
             "each: attributes action (add, close, move), id, capacity; a Point for add/move.\n"
             "Service ids are the `id` column of the services layer (the fid where NULL).\n"
             "Writes the tables services_whatif_communes, services_whatif_origins (residents\n"
             "whose access changes: change +1 or -1) and services_whatif_summary; prints the\n"
             "summary on stdout.\n"
             "--name NAME records the what-if as a run: the values of the --baseline run (the\n"
             "latest run of the project) with the residents within reach per commune changed\n"
             "(table services_access: residents_within, share, residents_gaining/losing; and\n"
             "access_communes' <mode>_<category>_share), so `proxima compare PROJECT BASE NAME`\n"
             "maps the gains like any pair of runs.\n",
    .examples = "proxima services demo.sqlite --category health --add 2.35,48.85 --close 12\n"
                "proxima services demo.sqlite --category health --add 9.52,47.14 --name new-health-centre\n"
                "proxima services demo.sqlite --category school --project-xy --move s3:651200,6862300 --modes walk\n",
};

/* "A,B[,C]": 2 or 3 finite numbers; returns the count, 0 on bad text. */
static int parse_nums(const char *s, double *v)
{
    int n = 0;
    const char *p = s;
    while (n < 3) {
        char *end = NULL;
        v[n] = strtod(p, &end);
        if (end == p || !isfinite(v[n])) return 0;
        n++;
        if (*end == '\0') break;
        if (*end != ',') return 0;
        p = end + 1;
    }
    return n >= 2 && (n == 2 || *p) ? n : 0;
}

static int place(px_cli *cli, px_store *store, int xy, double a, double b, double *x, double *y)
{
    if (xy) {
        *x = a;
        *y = b;
        return 0;
    }
    if (!(a >= -180 && a <= 180 && b >= -90 && b <= 90)) return -1;
    return px_store_lonlat_to_xy(cli->ctx, store, a, b, x, y) == PX_OK ? 0 : -1;
}

int cmd_services(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_services, argc, argv, &a);
    if (!a) return rc;
    int n_add = px_args_given(a, "add"), n_close = px_args_given(a, "close"), n_move = px_args_given(a, "move");
    int xy = px_args_flag(a, "project-xy");
    const char *file = px_args_text(a, "changes");
    size_t n_opt = (size_t)(n_add + n_close + n_move), n_file = 0;
    px_svc_change *from_file = NULL;
    px_store *store = NULL;
    if (px_args_text(a, "baseline") && !px_args_text(a, "name"))
        rc = px_cli_usage_error("services", "--baseline needs --name (the run to record)");
    else if (px_args_text(a, "baseline") && !strcmp(px_args_text(a, "baseline"), px_args_text(a, "name")))
        rc = px_cli_usage_error("services", "--name %s: a what-if cannot replace the run it is applied to",
                                px_args_text(a, "name"));
    else if (n_opt == 0 && !file) rc = px_cli_usage_error("services", "give at least one --add, --close or --move, or --changes FILE");
    if (rc == PX_EXIT_OK) {
        store = px_cli_open_store(cli, px_args_pos(a, 0), 0);
        if (!store) rc = PX_EXIT_RUNTIME;
        else rc = px_cli_check_baseline(cli, store, px_args_text(a, "baseline"), "services");
    }
    if (rc == PX_EXIT_OK && file) {
        px_status st = px_svc_changes_read(cli->ctx, store, file, &from_file, &n_file);
        if (st != PX_OK) rc = px_cli_fail(cli, st);
    }
    size_t n_ch = n_opt + n_file;
    px_svc_change *ch = calloc(n_ch ? n_ch : 1, sizeof *ch);
    char **ids = calloc(n_ch ? n_ch : 1, sizeof *ids);
    if (!ch || !ids) rc = PX_EXIT_RUNTIME;
    for (size_t i = 0; ch && i < n_file; i++) ch[n_opt + i] = from_file[i];
    size_t k = 0;
    for (int i = 0; rc == PX_EXIT_OK && i < n_add; i++, k++) {
        const char *t = px_args_text_at(a, "add", i);
        double v[3] = {0, 0, 0};
        int n = parse_nums(t, v);
        ch[k].kind = PX_SVC_ADD;
        if (!n || (n == 3 && !(v[2] > 0)) || place(cli, store, xy, v[0], v[1], &ch[k].x, &ch[k].y))
            rc = px_cli_usage_error("services", "--add %s: want %s[,CAP] (CAP > 0)%s", t, xy ? "X,Y" : "LON,LAT",
                                    xy ? "" : " inside the project's CRS area");
        ch[k].capacity = n == 3 ? v[2] : 0;
    }
    for (int i = 0; rc == PX_EXIT_OK && i < n_close; i++, k++) {
        ch[k].kind = PX_SVC_CLOSE;
        ch[k].id = px_args_text_at(a, "close", i);
    }
    for (int i = 0; rc == PX_EXIT_OK && i < n_move; i++, k++) {
        const char *t = px_args_text_at(a, "move", i);
        const char *colon = strrchr(t, ':');
        double v[3] = {0, 0, 0};
        ch[k].kind = PX_SVC_MOVE;
        if (colon && colon > t) ids[k] = strndup(t, (size_t)(colon - t));
        ch[k].id = ids[k];
        if (!ids[k] || parse_nums(colon + 1, v) != 2 || place(cli, store, xy, v[0], v[1], &ch[k].x, &ch[k].y))
            rc = px_cli_usage_error("services", "--move %s: want ID:%s", t, xy ? "X,Y" : "LON,LAT");
    }
    px_whatif_options o = {.category = px_args_text(a, "category"),
                           .modes = px_args_modes(a),
                           .minutes = px_args_number(a, "minutes"),
                           .max_snap_m = px_args_number(a, "snap-m"),
                           .save_layer = px_args_text(a, "save-layer"),
                           .n_threads = (int)px_args_int(a, "threads")};
    px_whatif_report rep = {0};
    if (rc == PX_EXIT_OK) {
        px_status st = px_services_whatif(cli->ctx, store, ch, n_ch, &o, &rep);
        if (st != PX_OK) rc = px_cli_fail(cli, st);
    }
    if (rc == PX_EXIT_OK) {
        px_cli_info(cli, "services: %s: %zu services, %zu added, %zu closed, %zu moved, %zu change searches\n",
                    o.category, rep.n_services, rep.n_added, rep.n_closed, rep.n_moved, rep.n_change_searches);
        printf("%-5s %-12s %10s %10s %8s %8s %9s %9s %7s %7s %7s %7s\n", "mode", "category", "gaining", "losing",
               "share0", "share1", "2sfca0", "2sfca1", "gini0", "gini1", "palma0", "palma1");
        for (int m = 0; m < PX_MODE_COUNT; m++) {
            if (!rep.run[m]) continue;
            const px_whatif_mode *s = &rep.m[m];
            /* Palma is undefined (NULL in the table) when the bottom 40 % have nothing: shown as "-". */
            char palma[2][16];
            const double pv[2] = {s->palma_before, s->palma_after};
            for (int j = 0; j < 2; j++)
                snprintf(palma[j], sizeof palma[j], isfinite(pv[j]) ? "%.4f" : "-", pv[j]);
            printf("%-5s %-12s %10.0f %10.0f %8.4f %8.4f %9.4f %9.4f %7.4f %7.4f %7s %7s\n",
                   px_mode_name((px_mode)m), o.category, s->residents_gaining, s->residents_losing, s->share_before,
                   s->share_after, s->fca_mean_before, s->fca_mean_after, s->gini_before, s->gini_after, palma[0],
                   palma[1]);
        }
    }
    const char *run = px_args_text(a, "name");
    if (rc == PX_EXIT_OK && run) rc = px_cli_record_whatif(cli, store, run, px_args_text(a, "baseline"), "services");
    for (size_t i = 0; ids && i < n_ch; i++) free(ids[i]);
    free(ids);
    free(ch);
    px_svc_changes_free(from_file, n_file);
    px_store_close(store);
    px_args_free(a);
    return rc;
}
