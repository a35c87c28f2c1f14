/*
 * `proxima report`: the council report (report.md, report.html, report.pdf)
 * from a project's results. Parsing and reporting only: the work is
 * px_report_write.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char px_usage_report[] =
    "Usage: proxima report PROJECT -o DIR [options]\n\n"
    "The council report from the project's results: DIR/report.html (one file, works\n"
    "offline: charts and maps inline), DIR/report.pdf and DIR/report.md (for diffing\n"
    "runs). Headline figures per commune as ranked tables (quarter-hour shares, equity,\n"
    "flood exposure, brownfield sites per use, cycle coverage and connectivity), charts\n"
    "(Lorenz curve with its Gini, quarter-hour shares per commune, distribution of\n"
    "minutes), print maps of the styles whose tables the project has, and a data-quality\n"
    "box. An analysis that has not run is named as missing.\n\n"
    "Options:\n"
    "  -o, --output DIR      output folder (created if missing; required)\n"
    "  --title T             title (default \"Council report: PROJECT\")\n"
    "  --date YYYY-MM-DD     date printed (default: today, UTC)\n"
    "  --style STYLE.json    a map to include (repeat; default: every style of --styles-dir\n"
    "                        whose tables the project has)\n"
    "  --styles-dir DIR      where the default maps' styles are (default: the source tree's styles/)\n"
    "  --top N               brownfield sites listed per use (default 5)\n\n"
    "stdout: sections, charts, maps and data-quality warnings written.\n";

int cmd_report(px_cli *cli, int argc, char **argv)
{
    const char *project = NULL, *out = NULL, *v = NULL;
    const char *styles[33] = {0};
    int n_styles = 0;
    px_report_options o;
    px_report_options_default(&o);
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = px_cli_opt(argc, argv, &i, "--output", &v)) || (m = px_cli_opt(argc, argv, &i, "-o", &v))) {
            if (m > 0) out = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--title", &v))) {
            if (m > 0) o.title = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--date", &v))) {
            if (m > 0) {
                int y, mo, d;
                char tail;
                if (sscanf(v, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 || mo < 1 || mo > 12 || d < 1 || d > 31)
                    return px_cli_usage_error("report", "--date wants YYYY-MM-DD, got '%s'", v);
                o.date = v;
            }
        } else if ((m = px_cli_opt(argc, argv, &i, "--style", &v))) {
            if (m > 0) {
                if (n_styles == 32) return px_cli_usage_error("report", "at most 32 --style");
                styles[n_styles++] = v;
            }
        } else if ((m = px_cli_opt(argc, argv, &i, "--styles-dir", &v))) {
            if (m > 0) o.styles_dir = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--top", &v))) {
            long t;
            if (m > 0 && (px_cli_parse_int(v, &t) || t < 1 || t > 100))
                return px_cli_usage_error("report", "--top wants a whole number in 1..100, got '%s'", v);
            if (m > 0) o.top_sites = (int)t;
        } else if (argv[i][0] == '-') {
            return px_cli_usage_error("report", "unknown option '%s'", argv[i]);
        } else if (!project) {
            project = argv[i];
            continue;
        } else {
            return px_cli_usage_error("report", "unexpected argument '%s'", argv[i]);
        }
        if (m < 0) return px_cli_usage_error("report", "%s needs a value", argv[i]);
    }
    if (!project) return px_cli_usage_error("report", "missing PROJECT");
    if (!out) return px_cli_usage_error("report", "missing -o DIR");
    if (n_styles) o.map_styles = styles;
    px_store *store = px_cli_open_store(cli, project, 1);
    if (!store) return PX_EXIT_RUNTIME;
    px_report_summary s;
    px_status st = px_report_write(cli->ctx, store, out, &o, &s);
    int rc = PX_EXIT_OK;
    if (st != PX_OK)
        rc = px_cli_fail(cli, st);
    else
        printf("sections %zu\ncharts %zu\nmaps %zu\nwarnings %zu\n", s.n_sections, s.n_charts, s.n_maps,
               s.n_warnings);
    px_store_close(store);
    return rc;
}
