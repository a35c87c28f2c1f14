/* `proxima isochrone PROJECT --lonlat LON,LAT --mode bike --minutes 5,10,15 -o iso.geojson` */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char px_usage_isochrone[] =
    "Usage: proxima isochrone PROJECT (--lonlat LON,LAT | --xy X,Y | --commune-centres)...\n"
    "                         [--mode walk|bike] [--minutes 5,10,15] [--buffer 40]\n"
    "                         [--snap-distance 300] [--table isochrones] [-o FILE]\n\n"
    "Nested polygons of the area reachable on the network from each origin within\n"
    "each number of minutes. Method: one search from the origin (snapped onto the\n"
    "nearest edge of the mode); every edge part reached within the band, including\n"
    "the reached fraction of an edge where the budget ends inside it, is buffered by\n"
    "--buffer metres and the buffers are unioned. Bands are nested (the 15-minute\n"
    "polygon contains the 10-minute one). Attributes: origin, mode, minutes,\n"
    "residents (population inside the polygon), area_km2, reached_km.\n"
    "--lonlat and --xy (project CRS) may be repeated; --commune-centres adds one\n"
    "origin inside each commune. The result table is replaced; -o also exports it\n"
    "(GeoJSON by extension, RFC 7946).\n\n"
    "Example:\n  proxima isochrone demo.sqlite --lonlat 9.5209,47.1410 --mode bike --minutes 5,10,15 -o iso.geojson\n";

/* "A,B" -> two numbers; 0 on success. */
static int parse_pair(const char *s, double *a, double *b)
{
    const char *comma = strchr(s, ',');
    if (!comma) return -1;
    char left[64];
    size_t n = (size_t)(comma - s);
    if (n == 0 || n >= sizeof left) return -1;
    memcpy(left, s, n);
    left[n] = '\0';
    return px_cli_parse_double(left, a) || px_cli_parse_double(comma + 1, b) ? -1 : 0;
}

int cmd_isochrone(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *v = NULL, *out = NULL;
    px_iso_options o = {.mode = PX_MODE_WALK};
    double minutes[16] = {5, 10, 15};
    size_t n_minutes = 3;
    px_iso_origin *origins = calloc((size_t)argc, sizeof *origins);
    size_t n_origins = 0;
    int rc = origins ? PX_EXIT_OK : PX_EXIT_RUNTIME;
    for (int i = 1; i < argc && rc == PX_EXIT_OK; i++) {
        int m;
        double a = 0, b = 0;
        if ((m = px_cli_opt(argc, argv, &i, "--lonlat", &v)) != 0 || (m = px_cli_opt(argc, argv, &i, "--xy", &v)) != 0) {
            int lonlat = !strncmp(argv[i - (m > 0 && !strchr(argv[i], '=') ? 1 : 0)], "--lonlat", 8);
            if (m < 0 || parse_pair(v, &a, &b)) rc = px_cli_usage_error("isochrone", "--lonlat/--xy need two numbers A,B");
            else origins[n_origins++] = (px_iso_origin){a, b, lonlat, v};
        } else if (!strcmp(argv[i], "--commune-centres")) {
            o.commune_centres = 1;
        } else if ((m = px_cli_opt(argc, argv, &i, "--mode", &v)) != 0) {
            if (m < 0 || px_mode_lookup(v, &o.mode) != PX_OK) rc = px_cli_usage_error("isochrone", "--mode is walk or bike");
        } else if ((m = px_cli_opt(argc, argv, &i, "--minutes", &v)) != 0) {
            n_minutes = 0;
            char *copy = m > 0 ? strdup(v) : NULL, *save = NULL;
            for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && rc == PX_EXIT_OK; t = strtok_r(NULL, ",", &save)) {
                if (n_minutes == 16 || px_cli_parse_double(t, &minutes[n_minutes]) || !(minutes[n_minutes] > 0) ||
                    (n_minutes && minutes[n_minutes] <= minutes[n_minutes - 1]))
                    rc = px_cli_usage_error("isochrone", "--minutes needs up to 16 ascending numbers > 0, like 5,10,15");
                n_minutes++;
            }
            free(copy);
            if (rc == PX_EXIT_OK && n_minutes == 0) rc = px_cli_usage_error("isochrone", "--minutes needs a list like 5,10,15");
        } else if ((m = px_cli_opt(argc, argv, &i, "--buffer", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &a) || !(a > 0)) rc = px_cli_usage_error("isochrone", "--buffer needs metres > 0");
            o.buffer_m = a;
        } else if ((m = px_cli_opt(argc, argv, &i, "--snap-distance", &v)) != 0) {
            if (m < 0 || px_cli_parse_double(v, &a) || !(a > 0))
                rc = px_cli_usage_error("isochrone", "--snap-distance needs metres > 0");
            o.max_snap_m = a;
        } else if ((m = px_cli_opt(argc, argv, &i, "--table", &v)) != 0) {
            if (m < 0) rc = px_cli_usage_error("isochrone", "--table needs a name");
            o.table = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "-o", &v)) != 0 || (m = px_cli_opt(argc, argv, &i, "--output", &v)) != 0) {
            if (m < 0) rc = px_cli_usage_error("isochrone", "-o needs a FILE");
            out = v;
        } else if (argv[i][0] == '-') {
            rc = px_cli_usage_error("isochrone", "unknown option '%s'", argv[i]);
        } else if (!path) path = argv[i];
        else rc = px_cli_usage_error("isochrone", "unexpected argument '%s'", argv[i]);
    }
    if (rc == PX_EXIT_OK && !path) rc = px_cli_usage_error("isochrone", "missing PROJECT");
    if (rc == PX_EXIT_OK && !n_origins && !o.commune_centres)
        rc = px_cli_usage_error("isochrone", "give an origin: --lonlat LON,LAT, --xy X,Y or --commune-centres");
    px_store *store = NULL;
    if (rc == PX_EXIT_OK && !(store = px_cli_open_store(cli, path, 0))) rc = PX_EXIT_RUNTIME;
    if (rc == PX_EXIT_OK) {
        o.minutes = minutes;
        o.n_minutes = n_minutes;
        px_status st = px_isochrones(cli->ctx, store, origins, n_origins, &o);
        if (st == PX_OK && out) st = px_export(cli->ctx, store, o.table ? o.table : "isochrones", out, NULL);
        if (st != PX_OK) rc = px_cli_fail(cli, st);
        else px_cli_info(cli, "isochrone: %s written%s%s\n", o.table ? o.table : "isochrones", out ? " and exported to " : "",
                         out ? out : "");
    }
    px_store_close(store);
    free(origins);
    return rc;
}
