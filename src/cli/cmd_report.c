/*
 * `proxima report`: the council report (report.md, report.html, report.pdf)
 * from a project's results. Parsing and reporting only: the work is
 * px_report_write.
 */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int px_cli_check_date(const char *cmd, const char *v); /* cmd_map.c */

static const px_opt report_opts[] = {
    PX_OPT_OUTPUT_REQUIRED("DIR", "output folder (created if missing)"),
    {"title", 0, PX_OPT_TEXT, "T", .help = "title (default \"Council report: PROJECT\")"},
    {"date", 0, PX_OPT_TEXT, "YYYY-MM-DD", .help = "date printed (default: today, UTC)"},
    {"style", 0, PX_OPT_PATH, "STYLE.json", .flags = PX_OPTF_REPEAT,
     .help = "a map to include (repeat; default: every style of --styles-dir whose tables the project has)"},
    {"styles-dir", 0, PX_OPT_PATH, "DIR", .help = "folder of the default maps' styles (default: the source tree's styles/)"},
    {"top", 0, PX_OPT_INT, "N", 1, 10000, .def = "5", .help = "brownfield sites listed per use"},
    {"no-times", 0, PX_OPT_FLAG, NULL,
     .help = "leave the tables' write times out (same inputs, same bytes, whenever they were computed)"},
    {0}};

const px_cmd_spec px_spec_report = {
    .name = "report",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = report_opts,
    .about = "The council report from the project's results: DIR/report.html (one file that\n"
             "works offline: charts and maps inline), DIR/report.pdf and DIR/report.md (for\n"
             "diffing runs; charts in DIR/charts/, maps in DIR/maps/). Ranked commune tables\n"
             "(quarter-hour shares, equity, flood exposure, brownfield sites per use, cycle\n"
             "coverage and connectivity), charts (Lorenz curves with their Gini, quarter-hour\n"
             "shares per commune, distribution of minutes), print maps, and a data-quality box.\n"
             "An analysis that has not run is named as missing.\n"
             "stdout: sections, charts, maps and data-quality warnings written.\n",
    .examples = "proxima report demo.sqlite -o out/report\n"
                "proxima report demo.sqlite -o out/report --date 2026-11-29 --style styles/equity.json\n",
};

int cmd_report(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_report, argc, argv, &a);
    if (!a) return rc;
    const char *out = px_args_text(a, "output");
    const char *styles[65] = {0};
    int n_styles = px_args_given(a, "style");
    px_report_options o;
    px_report_options_default(&o);
    o.title = px_args_text(a, "title");
    o.date = px_args_text(a, "date");
    o.styles_dir = px_args_text(a, "styles-dir");
    o.top_sites = (int)px_args_int(a, "top");
    o.omit_times = px_args_flag(a, "no-times");
    if ((rc = px_cli_check_date("report", o.date))) goto done;
    if (n_styles > 64) {
        rc = px_cli_usage_error("report", "at most 64 --style");
        goto done;
    }
    for (int i = 0; i < n_styles; i++)
        styles[i] = px_args_text_at(a, "style", i);
    if (n_styles) o.map_styles = styles;
    if ((rc = px_cli_output_dir("report", out))) goto done;
    px_store *store = px_cli_open_store(cli, px_args_pos(a, 0), 1);
    if (!store) {
        rc = PX_EXIT_RUNTIME;
        goto done;
    }
    px_report_summary s;
    px_status st = px_report_write(cli->ctx, store, out, &o, &s);
    if (st != PX_OK)
        rc = px_cli_fail(cli, st);
    else
        printf("sections %zu\ncharts %zu\nmaps %zu\nwarnings %zu\n", s.n_sections, s.n_charts, s.n_maps,
               s.n_warnings);
    px_store_close(store);
done:
    px_args_free(a);
    return rc;
}
