/* `proxima route PROJECT --from X,Y --to X,Y [--mode walk]`: one travel time. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char px_usage_route[] =
    "Usage: proxima route PROJECT --from X,Y --to X,Y [--mode walk|bike] [--snap-distance 300]\n\n"
    "Travel time on the network between two points given in the project CRS, each\n"
    "snapped onto the nearest edge the mode may use (partial edges counted, the\n"
    "straight snapping distance is not). Prints `seconds S` and `minutes M` on\n"
    "stdout, or `unreachable` (exit 0) when no path exists. A check of the network\n"
    "against other routers; accessibility uses `proxima access`.\n\n"
    "Example:\n  proxima route demo.sqlite --from 758000,5220000 --to 759500,5221200 --mode bike\n";

static int parse_xy(const char *s, double *x, double *y)
{
    char *end = NULL;
    *x = strtod(s, &end);
    if (end == s || *end != ',') return -1;
    const char *t = end + 1;
    *y = strtod(t, &end);
    return end == t || *end ? -1 : 0;
}

int cmd_route(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *v = NULL;
    double fx = NAN, fy = NAN, tx = NAN, ty = NAN, snap_m = 300;
    px_mode mode = PX_MODE_WALK;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = px_cli_opt(argc, argv, &i, "--from", &v)) != 0) {
            if (m < 0 || parse_xy(v, &fx, &fy)) return px_cli_usage_error("route", "--from needs X,Y");
        } else if ((m = px_cli_opt(argc, argv, &i, "--to", &v)) != 0) {
            if (m < 0 || parse_xy(v, &tx, &ty)) return px_cli_usage_error("route", "--to needs X,Y");
        } else if ((m = px_cli_opt(argc, argv, &i, "--mode", &v)) != 0) {
            if (m < 0 || px_mode_lookup(v, &mode) != PX_OK) return px_cli_usage_error("route", "--mode is walk or bike");
        } else if ((m = px_cli_opt(argc, argv, &i, "--snap-distance", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &snap_m) || !(snap_m > 0))
                return px_cli_usage_error("route", "--snap-distance needs metres > 0");
        } else if (argv[i][0] == '-') {
            return px_cli_usage_error("route", "unknown option '%s'", argv[i]);
        } else if (!path) path = argv[i];
        else return px_cli_usage_error("route", "unexpected argument '%s'", argv[i]);
    }
    if (!path) return px_cli_usage_error("route", "missing PROJECT");
    if (isnan(fx) || isnan(tx)) return px_cli_usage_error("route", "give --from X,Y and --to X,Y");
    px_store *store = px_cli_open_store(cli, path, 1);
    if (!store) return PX_EXIT_RUNTIME;
    px_graph *g = NULL;
    double *cost = NULL;
    px_snap a, b;
    px_status st = px_graph_load(cli->ctx, store, &g);
    if (st == PX_OK) st = px_graph_snap(cli->ctx, g, mode, fx, fy, snap_m, &a);
    if (st == PX_OK) st = px_graph_snap(cli->ctx, g, mode, tx, ty, snap_m, &b);
    if (st == PX_OK && !(cost = malloc((px_graph_n_nodes(g) + 1) * sizeof *cost))) st = PX_ENOMEM;
    if (st == PX_OK) st = px_graph_search(g, mode, PX_DIR_FROM_SOURCES, &a, 1, INFINITY, NULL, cost);
    int rc = PX_EXIT_OK;
    if (st != PX_OK) rc = px_cli_fail(cli, st);
    else {
        double s = px_graph_cost_at(g, mode, PX_DIR_FROM_SOURCES, cost, &a, 1, INFINITY, NULL, &b);
        if (isinf(s)) printf("unreachable\n");
        else printf("seconds %.3f\nminutes %.3f\n", s, s / 60.0);
    }
    free(cost);
    px_graph_free(g);
    px_store_close(store);
    return rc;
}
