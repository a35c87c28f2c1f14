/* `proxima export PROJECT LAYER -o FILE`: write a table to a vector file. */
#include "opts.h"

static const px_opt export_opts[] = {
    PX_OPT_OUTPUT_REQUIRED("FILE", "file to write (its folder is created when missing)"),
    {"format", 0, PX_OPT_TEXT, "F", .help = "GeoJSON, GeoJSONSeq, GPKG, FlatGeobuf or CSV (default: by extension)"},
    {"precision", 0, PX_OPT_INT, "N", 1, 15, .help = "GeoJSON coordinate decimals (default 7)"},
    {0}};

const px_cmd_spec px_spec_export = {
    .name = "export",
    .args = "PROJECT LAYER",
    .n_args_min = 2,
    .n_args_max = 2,
    .opts = export_opts,
    .about = "Write a layer or result table. The format follows FILE's extension\n"
             "(.geojson, .geojsonl/.geojsons, .gpkg, .fgb, .csv) or --format (GeoJSON,\n"
             "GeoJSONSeq, GPKG, FlatGeobuf, CSV). GeoPackage and FlatGeobuf keep the\n"
             "project CRS; CSV holds the attributes only. GeoJSON is RFC 7946: WGS84 lon/lat,\n"
             "polygons counter-clockwise, no crs member, 7 decimals unless --precision N.\n"
             "Each feature keeps the table's fid (GeoJSON feature id, GeoPackage fid, a\n"
             "first column `fid` in CSV and FlatGeobuf). In CSV and GeoJSON, reals are\n"
             "rounded by the unit in the column name (_min 0.1, _share 0.0001, _m 0.1,\n"
             "_m2 1, counts whole, scores 0.01; README, \"Export\").\n"
             "The file is written to a temporary name, every write checked, and renamed\n"
             "when complete: on a full disk an existing file is kept as it was.\n",
    .examples = "proxima export demo.sqlite communes -o communes.geojson\n",
};

int cmd_export(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_export, argc, argv, &a);
    if (!a) return rc;
    const char *out = px_args_text(a, "output");
    px_export_options opts = {.format = px_args_text(a, "format"), .precision = (int)px_args_int(a, "precision")};
    px_store *store = NULL;
    rc = px_cli_output_file("export", out);
    if (rc == PX_EXIT_OK && !(store = px_cli_open_store(cli, px_args_pos(a, 0), 1))) rc = PX_EXIT_RUNTIME;
    if (rc == PX_EXIT_OK) {
        px_status st = px_export(cli->ctx, store, px_args_pos(a, 1), out, &opts);
        if (st != PX_OK) rc = px_cli_fail(cli, st);
    }
    px_store_close(store);
    px_args_free(a);
    return rc;
}
