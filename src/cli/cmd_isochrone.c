/* `proxima isochrone PROJECT --lonlat LON,LAT --mode bike --minutes 5,10,15 -o iso.geojson` */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>

static const px_opt isochrone_opts[] = {
    PX_OPT_LONLAT("origin, WGS84 longitude,latitude"),
    {"xy", 0, PX_OPT_XY, "X,Y", .flags = PX_OPTF_REPEAT, .help = "origin, project CRS"},
    {"commune-centres", 0, PX_OPT_FLAG, .help = "also one origin at each commune's population-weighted centre"},
    PX_OPT_MODE,
    {"minutes", 0, PX_OPT_NUMBERS, "LIST", 0, 600, PX_OPTF_GT_MIN, .def = "5,10,15",
     .help = "band limits, up to 16 ascending minutes"},
    {"buffer-m", 0, PX_OPT_NUMBER, "M", 0, 1000, PX_OPTF_GT_MIN, .def = "40",
     .help = "half-width of the buffer around reached edges, metres"},
    PX_OPT_SNAP_M,
    {"table", 0, PX_OPT_TEXT, "NAME", .def = "isochrones", .help = "result table (replaced)"},
    PX_OPT_OUTPUT("FILE", "also export the table to FILE (GeoJSON by extension; folder created when missing)"),
    {0}};

const px_cmd_spec px_spec_isochrone = {
    .name = "isochrone",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = isochrone_opts,
    .synopsis = "PROJECT (--lonlat LON,LAT | --xy X,Y | --commune-centres)... [options]",
    .about = "Nested polygons of the area reachable on the network from each origin within\n"
             "each number of minutes. Method: one search from the origin (snapped onto the\n"
             "nearest edge of the mode); every edge part reached within the band, including\n"
             "the reached fraction of an edge where the budget ends inside it, is buffered by\n"
             "--buffer-m metres and the buffers are unioned. Bands are nested (the 15-minute\n"
             "polygon contains the 10-minute one). Attributes: origin, mode, minutes,\n"
             "residents (population inside the polygon), area_km2, reached_km.\n"
             "--lonlat and --xy may be repeated; --commune-centres adds one origin per\n"
             "commune at the population-weighted centre of its residents (the resident\n"
             "nearest to it when it falls outside the commune; the point on surface for a\n"
             "commune without residents), snapped to the network like any origin.\n"
             "The result table is replaced; -o also exports it (RFC 7946),\n"
             "and is checked before anything changes.\n",
    .examples = "proxima isochrone demo.sqlite --lonlat 9.5209,47.1410 --mode bike --minutes 5,10,15 -o iso.geojson\n"
                "proxima isochrone demo.sqlite --commune-centres --mode walk --table isochrones_walk\n",
};

int cmd_isochrone(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_isochrone, argc, argv, &a);
    if (!a) return rc;
    px_iso_options o = {.mode = px_args_mode(a)};
    const char *out = px_args_text(a, "output");
    int n_ll = px_args_given(a, "lonlat"), n_xy = px_args_given(a, "xy");
    px_iso_origin *origins = calloc((size_t)(n_ll + n_xy) + 1, sizeof *origins);
    size_t n_origins = 0;
    if (!origins) rc = PX_EXIT_RUNTIME;
    /* Origins in the order they were given, --lonlat and --xy mixed. */
    for (int i = 0, j = 0; rc == PX_EXIT_OK && (i < n_ll || j < n_xy); n_origins++) {
        int ll = j >= n_xy || (i < n_ll && px_args_argi_at(a, "lonlat", i) < px_args_argi_at(a, "xy", j));
        const char *name = ll ? "lonlat" : "xy";
        int k = ll ? i++ : j++;
        px_args_pair(a, name, k, &origins[n_origins].x, &origins[n_origins].y);
        origins[n_origins].lonlat = ll;
        origins[n_origins].label = px_args_text_at(a, name, k);
    }
    o.commune_centres = px_args_flag(a, "commune-centres");
    o.n_minutes = px_args_numbers(a, "minutes", &o.minutes);
    if (rc == PX_EXIT_OK && o.n_minutes > 16)
        rc = px_cli_usage_error("isochrone", "--minutes: at most 16 bands, got %zu", o.n_minutes);
    o.buffer_m = px_args_number(a, "buffer-m");
    o.max_snap_m = px_args_number(a, "snap-m");
    o.table = px_args_text(a, "table");
    if (rc == PX_EXIT_OK && !n_origins && !o.commune_centres)
        rc = px_cli_usage_error("isochrone", "give an origin: --lonlat LON,LAT, --xy X,Y or --commune-centres");
    if (rc == PX_EXIT_OK && out) rc = px_cli_output_file("isochrone", out);
    px_store *store = NULL;
    if (rc == PX_EXIT_OK && !(store = px_cli_open_store(cli, px_args_pos(a, 0), 0))) rc = PX_EXIT_RUNTIME;
    if (rc == PX_EXIT_OK) {
        px_status st = px_isochrones(cli->ctx, store, origins, n_origins, &o);
        if (st == PX_OK && out) st = px_export(cli->ctx, store, o.table, out, NULL);
        if (st != PX_OK) rc = px_cli_fail(cli, st);
        else
            px_cli_info(cli, "isochrone: %s written%s%s\n", o.table, out ? " and exported to " : "", out ? out : "");
    }
    px_store_close(store);
    free(origins);
    px_args_free(a);
    return rc;
}
