/* `proxima export PROJECT LAYER -o FILE`: write a table to a vector file. */
#include "cli.h"

#include <string.h>

const char px_usage_export[] =
    "Usage: proxima export PROJECT LAYER -o FILE [--format F] [--precision N]\n\n"
    "Write a layer or result table. The format follows FILE's extension\n"
    "(.geojson, .geojsonl/.geojsons, .gpkg, .fgb, .csv) or --format (GeoJSON,\n"
    "GeoJSONSeq, GPKG, FlatGeobuf, CSV). GeoPackage and FlatGeobuf keep the\n"
    "project CRS; CSV holds the attributes only. GeoJSON is RFC 7946: WGS84 lon/lat, polygons\n"
    "counter-clockwise, no crs member, 7 decimals unless --precision N.\n"
    "The file is written to a temporary name and renamed when complete.\n\n"
    "Example:\n  proxima export demo.sqlite communes -o communes.geojson\n";

int cmd_export(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *layer = NULL, *out = NULL, *v = NULL;
    px_export_options opts = {0};
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = px_cli_opt(argc, argv, &i, "-o", &v)) != 0 ||
            (m = px_cli_opt(argc, argv, &i, "--output", &v)) != 0) {
            if (m < 0) return px_cli_usage_error("export", "-o needs a FILE");
            out = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--format", &v)) != 0) {
            if (m < 0) return px_cli_usage_error("export", "--format needs a value");
            opts.format = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--precision", &v)) != 0) {
            long p = 0;
            if (m < 0 || px_cli_parse_int(v, &p) || p < 1 || p > 15)
                return px_cli_usage_error("export", "--precision needs a whole number from 1 to 15");
            opts.precision = (int)p;
        } else if (argv[i][0] == '-') {
            return px_cli_usage_error("export", "unknown option '%s'", argv[i]);
        } else if (!path) path = argv[i];
        else if (!layer) layer = argv[i];
        else return px_cli_usage_error("export", "unexpected argument '%s'", argv[i]);
    }
    if (!path || !layer) return px_cli_usage_error("export", "expected PROJECT LAYER");
    if (!out) return px_cli_usage_error("export", "missing -o FILE");
    px_store *store = px_cli_open_store(cli, path, 1);
    if (!store) return PX_EXIT_RUNTIME;
    px_status st = px_export(cli->ctx, store, layer, out, &opts);
    px_store_close(store);
    if (st != PX_OK) return px_cli_fail(cli, st);
    return PX_EXIT_OK;
}
