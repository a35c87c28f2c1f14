/*
 * report.md: the report as Markdown for diffing runs (GitHub-flavoured
 * tables, one row per line, numbers with fixed decimals), charts written as
 * SVG files under charts/ and linked, maps linked from maps/.
 *
 * Left out: nothing of the document; the charts' data are in the tables.
 */
#include "report_int.h"
#include "proxima/io.h"

#include <cairo-svg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int px__chart_svg(const px__rblock *b, double w, px__buf *out)
{
    double h = w * b->aspect;
    cairo_surface_t *sf = cairo_svg_surface_create_for_stream(px__buf_cairo_write, out, w, h);
    cairo_svg_surface_set_document_unit(sf, CAIRO_SVG_UNIT_PT);
    cairo_t *cr = cairo_create(sf);
    b->draw(cr, (px_rect){0, 0, w, h}, b->data);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    return st == CAIRO_STATUS_SUCCESS && !out->failed ? 0 : -1;
}

static void table_md(px__buf *o, const px__rblock *b)
{
    px__buf_printf(o, "**%s**\n\n", b->text);
    for (size_t r = 0; r <= b->n_rows; r++) {
        px__buf_add(o, "|", 1);
        for (size_t c = 0; c < b->n_cols; c++) {
            px__buf_add(o, " ", 1);
            px__buf_md(o, b->cells[r * b->n_cols + c]);
            px__buf_add(o, " |", 2);
        }
        px__buf_add(o, "\n", 1);
        if (r == 0) {
            px__buf_add(o, "|", 1);
            for (size_t c = 0; c < b->n_cols; c++)
                px__buf_printf(o, " %s |", b->right[c] ? "---:" : "---");
            px__buf_add(o, "\n", 1);
        }
    }
    if (b->source && *b->source) px__buf_printf(o, "\n*%s*\n", b->source);
    px__buf_add(o, "\n", 1);
}

px_status px__report_md(px_ctx *ctx, const px__rdoc *d, const char *out_dir)
{
    px__buf o = {0};
    px_status rc = PX_OK;
    char *charts = px__asprintf("%s/charts", out_dir);
    if (!charts) return px__error(ctx, PX_ENOMEM, "out of memory");
    if (mkdir(charts, 0777) && errno != EEXIST) {
        rc = px__error(ctx, PX_EIO, "%s: cannot create: %s", charts, strerror(errno));
        free(charts);
        return rc;
    }
    px__buf_printf(&o, "# %s\n\nProject: %s. Date: %s. Made by Proxima " PX_VERSION_STRING ".\n\n", d->title,
                   d->project, d->date);
    for (size_t i = 0; i < d->n && rc == PX_OK; i++) {
        const px__rblock *b = &d->b[i];
        switch (b->kind) {
        case PX__RB_HEADING: px__buf_printf(&o, "%s %s\n\n", b->level == 1 ? "##" : "###", b->text); break;
        case PX__RB_PARA: px__buf_printf(&o, "%s\n\n", b->text); break;
        case PX__RB_TABLE: table_md(&o, b); break;
        case PX__RB_CHART: {
            px__buf svg = {0};
            char *path = px__asprintf("%s/%s.svg", charts, b->name);
            if (!path || px__chart_svg(b, 680, &svg))
                rc = px__error(ctx, PX_ENOMEM, "report: chart %s: cannot draw", b->name);
            else
                rc = px_file_write(ctx, path, svg.p, svg.n);
            free(path);
            px__buf_free(&svg);
            px__buf_printf(&o, "![%s](charts/%s.svg)\n\n", b->text, b->name);
            break;
        }
        case PX__RB_MAP: px__buf_printf(&o, "![Map: %s](%s)\n\n", b->text, b->file); break;
        case PX__RB_BOX: {
            px__buf_printf(&o, "> **%s**\n>\n", b->text);
            const char *p = b->source;
            while (p && *p) {
                const char *e = strchr(p, '\n');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                px__buf_add(&o, "> - ", 4);
                px__buf_add(&o, p, len);
                px__buf_add(&o, "\n", 1);
                p = e ? e + 1 : p + len;
            }
            px__buf_add(&o, "\n", 1);
            break;
        }
        }
    }
    char *path = px__asprintf("%s/report.md", out_dir);
    if (rc == PX_OK && (o.failed || !path)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) rc = px_file_write(ctx, path, o.p, o.n);
    free(path);
    free(charts);
    px__buf_free(&o);
    return rc;
}
