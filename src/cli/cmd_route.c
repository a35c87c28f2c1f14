/* `proxima route PROJECT --from X,Y --to X,Y` (or --from-lonlat/--to-lonlat):
 * one travel time on the network. */
#include "opts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const px_opt route_opts[] = {
    {"from", 0, PX_OPT_XY, "X,Y", .help = "start point"},
    {"to", 0, PX_OPT_XY, "X,Y", .help = "end point"},
    {"from-lonlat", 0, PX_OPT_LONLAT, "LON,LAT", .help = "start point"},
    {"to-lonlat", 0, PX_OPT_LONLAT, "LON,LAT", .help = "end point"},
    PX_OPT_MODE,
    PX_OPT_SNAP_M,
    {0}};

const px_cmd_spec px_spec_route = {
    .name = "route",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = route_opts,
    .synopsis = "PROJECT --from-lonlat LON,LAT --to-lonlat LON,LAT [--mode walk|bike]\n"
                "PROJECT --from X,Y --to X,Y [--mode walk|bike]",
    .about = "Travel time on the network between two points, given in WGS84 longitude,\n"
             "latitude (--from-lonlat, --to-lonlat) or in the project CRS (--from, --to),\n"
             "each snapped onto the nearest edge the mode may use within --snap-m (partial\n"
             "edges counted, the straight snapping distance is not). Prints `seconds S`\n"
             "and `minutes M` on stdout, or `unreachable` (exit 0) when no path exists.\n"
             "A check of the network against other routers; accessibility uses\n"
             "`proxima access`.\n",
    .examples = "proxima route demo.sqlite --from-lonlat 9.5209,47.1410 --to-lonlat 9.5100,47.1650 --mode bike\n"
                "proxima route demo.sqlite --from 539497,5220965 --to 538653,5223626 --mode bike\n",
};

/* Exactly one of `xy` and `lonlat` must be given: usage error otherwise. */
static int endpoint_given(const px_args *a, const char *xy, const char *lonlat)
{
    int n_xy = px_args_given(a, xy), n_ll = px_args_given(a, lonlat);
    if (n_xy + n_ll == 0) return px_cli_usage_error("route", "give --%s LON,LAT or --%s X,Y", lonlat, xy);
    if (n_xy && n_ll) return px_cli_usage_error("route", "give --%s or --%s, not both", lonlat, xy);
    return PX_EXIT_OK;
}

/* The point of option `xy` or `lonlat` in the project CRS. */
static int endpoint(px_cli *cli, const px_args *a, px_store *store, const char *xy, const char *lonlat, double *x,
                    double *y)
{
    if (px_args_given(a, xy)) return px_args_pair(a, xy, 0, x, y) ? PX_EXIT_USAGE : PX_EXIT_OK;
    double lon = 0, lat = 0;
    px_args_pair(a, lonlat, 0, &lon, &lat);
    px_status st = px_store_lonlat_to_xy(cli->ctx, store, lon, lat, x, y);
    return st == PX_OK ? PX_EXIT_OK : px_cli_fail(cli, st);
}

int cmd_route(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_route, argc, argv, &a);
    if (!a) return rc;
    double fx = NAN, fy = NAN, tx = NAN, ty = NAN, snap_m = px_args_number(a, "snap-m");
    px_mode mode = px_args_mode(a);
    px_store *store = NULL;
    rc = endpoint_given(a, "from", "from-lonlat");
    if (rc == PX_EXIT_OK) rc = endpoint_given(a, "to", "to-lonlat");
    if (rc == PX_EXIT_OK && !(store = px_cli_open_store(cli, px_args_pos(a, 0), 1))) rc = PX_EXIT_RUNTIME;
    if (rc == PX_EXIT_OK) rc = endpoint(cli, a, store, "from", "from-lonlat", &fx, &fy);
    if (rc == PX_EXIT_OK) rc = endpoint(cli, a, store, "to", "to-lonlat", &tx, &ty);
    px_graph *g = NULL;
    double *cost = NULL;
    px_snap from, to;
    px_status st = PX_OK;
    if (rc == PX_EXIT_OK) st = px_graph_load(cli->ctx, store, &g);
    if (rc == PX_EXIT_OK && st == PX_OK) st = px_graph_snap(cli->ctx, g, mode, fx, fy, snap_m, &from);
    if (rc == PX_EXIT_OK && st == PX_OK) st = px_graph_snap(cli->ctx, g, mode, tx, ty, snap_m, &to);
    if (rc == PX_EXIT_OK && st == PX_OK && !(cost = malloc((px_graph_n_nodes(g) + 1) * sizeof *cost))) st = PX_ENOMEM;
    if (rc == PX_EXIT_OK && st == PX_OK)
        st = px_graph_search(g, mode, PX_DIR_FROM_SOURCES, &from, 1, INFINITY, NULL, cost);
    if (rc == PX_EXIT_OK && st != PX_OK) rc = px_cli_fail(cli, st);
    if (rc == PX_EXIT_OK) {
        double s = px_graph_cost_at(g, mode, PX_DIR_FROM_SOURCES, cost, &from, 1, INFINITY, NULL, &to);
        if (isinf(s)) printf("unreachable\n");
        else printf("seconds %.3f\nminutes %.3f\n", s, s / 60.0);
    }
    free(cost);
    px_graph_free(g);
    px_store_close(store);
    px_args_free(a);
    return rc;
}
