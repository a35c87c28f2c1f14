/*
 * `proxima map`: a print-ready map page (PDF, PNG or SVG) of a project drawn
 * with a MapLibre style, or an atlas (one PDF page per commune). Parsing
 * and reporting only: the work is px_map_write.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char px_usage_map[] =
    "Usage: proxima map PROJECT --style STYLE.json -o MAP.pdf|MAP.png|MAP.svg [options]\n\n"
    "A print-ready map page, as a QGIS print layout gives: title, the map frame over the\n"
    "project's communes (or the style's data), a legend drawn from the style's colours\n"
    "and classes, commune names, scale bar, north arrow, sources and attribution, date.\n"
    "The same MapLibre styles as `proxima tiles` and the viewer (styles/).\n\n"
    "Options:\n"
    "  -o, --output FILE     .pdf, .png or .svg (required)\n"
    "  --style STYLE.json    MapLibre style (required)\n"
    "  --page A4|A3          paper size (default A4)\n"
    "  --landscape           landscape page (default portrait)\n"
    "  --title T             title (default: the style's name)\n"
    "  --atlas               one page per commune, zoomed to it, its name as title (PDF only)\n"
    "  --date YYYY-MM-DD     date printed on the page (default: today, UTC)\n"
    "  --attribution S       sources line (default: the project's attribution setting,\n"
    "                        else the style's source attribution and the layers' files)\n"
    "  --dpi N               PNG resolution (default 150, 30..1200)\n"
    "  --no-labels           no commune names\n\n"
    "stdout: pages, features, scale (1:N) and scale bar length of the first page.\n\n"
    "Examples:\n"
    "  proxima map agglo.sqlite --style styles/equity.json -o equity.pdf --title \"Health, on foot\"\n"
    "  proxima map agglo.sqlite --style styles/flood.json -o flood.png --page A3 --landscape\n"
    "  proxima map agglo.sqlite --style styles/quarter-hour.json --atlas -o atlas.pdf\n";

int cmd_map(px_cli *cli, int argc, char **argv)
{
    const char *project = NULL, *out = NULL, *style_path = NULL, *v = NULL;
    px_map_options o;
    px_map_options_default(&o);
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = px_cli_opt(argc, argv, &i, "--output", &v)) || (m = px_cli_opt(argc, argv, &i, "-o", &v))) {
            if (m > 0) out = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--style", &v))) {
            if (m > 0) style_path = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--page", &v))) {
            if (m > 0) {
                if (!strcasecmp(v, "A4"))
                    o.page = PX_PAGE_A4;
                else if (!strcasecmp(v, "A3"))
                    o.page = PX_PAGE_A3;
                else
                    return px_cli_usage_error("map", "--page is A4 or A3, got '%s'", v);
            }
        } else if ((m = px_cli_opt(argc, argv, &i, "--title", &v))) {
            if (m > 0) o.title = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--date", &v))) {
            if (m > 0) {
                int y, mo, d;
                char tail;
                if (sscanf(v, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 || mo < 1 || mo > 12 || d < 1 || d > 31)
                    return px_cli_usage_error("map", "--date wants YYYY-MM-DD, got '%s'", v);
                o.date = v;
            }
        } else if ((m = px_cli_opt(argc, argv, &i, "--attribution", &v))) {
            if (m > 0) o.attribution = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--dpi", &v))) {
            if (m > 0 && (px_cli_parse_double(v, &o.dpi) || !(o.dpi >= 30 && o.dpi <= 1200)))
                return px_cli_usage_error("map", "--dpi wants a number in 30..1200, got '%s'", v);
        } else if (!strcmp(argv[i], "--landscape")) {
            o.landscape = 1;
            continue;
        } else if (!strcmp(argv[i], "--atlas")) {
            o.atlas = 1;
            continue;
        } else if (!strcmp(argv[i], "--no-labels")) {
            o.labels = -1;
            continue;
        } else if (argv[i][0] == '-') {
            return px_cli_usage_error("map", "unknown option '%s'", argv[i]);
        } else if (!project) {
            project = argv[i];
            continue;
        } else {
            return px_cli_usage_error("map", "unexpected argument '%s'", argv[i]);
        }
        if (m < 0) return px_cli_usage_error("map", "%s needs a value", argv[i]);
    }
    if (!project) return px_cli_usage_error("map", "missing PROJECT");
    if (!style_path) return px_cli_usage_error("map", "missing --style STYLE.json");
    if (!out) return px_cli_usage_error("map", "missing -o FILE (.pdf, .png or .svg)");
    size_t n = strlen(out);
    if (n < 4 || (strcasecmp(out + n - 4, ".pdf") && strcasecmp(out + n - 4, ".png") && strcasecmp(out + n - 4, ".svg")))
        return px_cli_usage_error("map", "-o must end in .pdf, .png or .svg, got '%s'", out);
    if (o.atlas && strcasecmp(out + n - 4, ".pdf"))
        return px_cli_usage_error("map", "--atlas writes one PDF: -o must end in .pdf, got '%s'", out);

    px_store *store = px_cli_open_store(cli, project, 1);
    if (!store) return PX_EXIT_RUNTIME;
    px_style *style = NULL;
    px_map_report r;
    px_status st = px_style_read(cli->ctx, style_path, &style);
    if (st == PX_OK) st = px_map_write(cli->ctx, store, style, out, &o, &r);
    int rc = PX_EXIT_OK;
    if (st != PX_OK)
        rc = px_cli_fail(cli, st);
    else
        printf("pages %zu\nfeatures %zu\nscale 1:%.0f\nscale_bar_m %g\n", r.n_pages, r.n_features, r.scale,
               r.scalebar_m);
    px_style_free(style);
    px_store_close(store);
    return rc;
}
