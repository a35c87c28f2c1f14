/*
 * `proxima map`: a print-ready map page (PDF, PNG or SVG) of a project drawn
 * with a MapLibre style, or an atlas (one PDF page per commune). Parsing
 * and reporting only: the work is px_map_write.
 */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const px_opt map_opts[] = {
    PX_OPT_OUTPUT_REQUIRED("FILE", "map file: .pdf, .png or .svg"),
    {"style", 0, PX_OPT_PATH, "STYLE.json", .flags = PX_OPTF_REQUIRED, .help = "MapLibre style (styles/)"},
    {"page", 0, PX_OPT_TEXT, "SIZE", .choices = "A4,A3", .def = "A4", .help = "paper size"},
    {"landscape", 0, PX_OPT_FLAG, NULL, .help = "landscape page (legend beside the map); default portrait"},
    {"title", 0, PX_OPT_TEXT, "T", .help = "title (default: the style's name)"},
    {"atlas", 0, PX_OPT_FLAG, NULL, .help = "one page per commune, zoomed to it, its name as title (PDF only)"},
    {"date", 0, PX_OPT_TEXT, "YYYY-MM-DD", .help = "date printed on the page (default: today, UTC)"},
    {"attribution", 0, PX_OPT_TEXT, "S",
     .help = "sources line (default: the project's attribution, else the style's and the layers' sources)"},
    {"dpi", 0, PX_OPT_NUMBER, "N", 30, 1200, .def = "150", .help = "PNG resolution"},
    {"no-labels", 0, PX_OPT_FLAG, NULL, .help = "no commune names on the map"},
    {0}};

const px_cmd_spec px_spec_map = {
    .name = "map",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = map_opts,
    .about = "A print-ready map page, as a QGIS print layout gives: title, the map frame over\n"
             "the project's communes (or the style's data), a legend drawn from the style's\n"
             "colours and classes, commune names, scale bar, north arrow, sources and\n"
             "attribution, date. The same MapLibre styles as `proxima tiles` and the viewer.\n"
             "stdout: pages, features drawn, scale (1:N) and scale bar length of the first page.\n",
    .examples = "proxima map demo.sqlite --style styles/equity.json -o equity.pdf --title Health\n"
                "proxima map demo.sqlite --style styles/flood.json -o flood.png --page A3 --landscape\n"
                "proxima map demo.sqlite --style styles/quarter-hour.json --atlas -o atlas.pdf\n",
};

/* "YYYY-MM-DD" with a plausible month and day. */
int px_cli_check_date(const char *cmd, const char *v)
{
    int y, mo, d;
    char tail;
    if (!v || (sscanf(v, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3 && strlen(v) == 10 && mo >= 1 && mo <= 12 &&
               d >= 1 && d <= 31))
        return 0;
    return px_cli_usage_error(cmd, "--date wants YYYY-MM-DD, got '%s'", v);
}

int cmd_map(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_map, argc, argv, &a);
    if (!a) return rc;
    const char *out = px_args_text(a, "output");
    px_map_options o;
    px_map_options_default(&o);
    o.page = !strcasecmp(px_args_text(a, "page"), "A3") ? PX_PAGE_A3 : PX_PAGE_A4;
    o.landscape = px_args_flag(a, "landscape");
    o.atlas = px_args_flag(a, "atlas");
    o.title = px_args_text(a, "title");
    o.date = px_args_text(a, "date");
    o.attribution = px_args_text(a, "attribution");
    o.dpi = px_args_number(a, "dpi");
    o.labels = px_args_flag(a, "no-labels") ? -1 : 1;
    size_t n = strlen(out);
    if ((rc = px_cli_check_date("map", o.date))) goto done;
    if (n < 4 || (strcasecmp(out + n - 4, ".pdf") && strcasecmp(out + n - 4, ".png") && strcasecmp(out + n - 4, ".svg"))) {
        rc = px_cli_usage_error("map", "-o must end in .pdf, .png or .svg, got '%s'", out);
        goto done;
    }
    if (o.atlas && strcasecmp(out + n - 4, ".pdf")) {
        rc = px_cli_usage_error("map", "--atlas writes one PDF: -o must end in .pdf, got '%s'", out);
        goto done;
    }
    if ((rc = px_cli_output_file("map", out))) goto done;
    px_store *store = px_cli_open_store(cli, px_args_pos(a, 0), 1);
    if (!store) {
        rc = PX_EXIT_RUNTIME;
        goto done;
    }
    px_style *style = NULL;
    px_map_report r;
    px_status st = px_style_read(cli->ctx, px_args_text(a, "style"), &style);
    if (st == PX_OK) st = px_map_write(cli->ctx, store, style, out, &o, &r);
    if (st != PX_OK)
        rc = px_cli_fail(cli, st);
    else
        printf("pages %zu\nfeatures %zu\nscale 1:%.0f\nscale_bar_m %g\n", r.n_pages, r.n_features, r.scale,
               r.scalebar_m);
    px_style_free(style);
    px_store_close(store);
done:
    px_args_free(a);
    return rc;
}
