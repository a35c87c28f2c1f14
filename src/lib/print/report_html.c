/*
 * report.html: one self-contained file that works offline: the style sheet
 * is inline, charts are cairo SVG documents and maps PNG files, both
 * embedded as base64 data URIs (each SVG stays its own document, so the
 * glyph ids cairo gives do not clash between charts). No script, no font,
 * no image or link outside the file.
 *
 * Left out: interactivity (the viewer does that), print CSS beyond basics.
 */
#include "report_int.h"
#include "proxima/io.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static const char css[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#1a1a1a;margin:0;background:#f4f4f2}"
    "main{max-width:980px;margin:0 auto;padding:24px 32px;background:#fff}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid #ccc}"
    "h3{font-size:15px;margin:22px 0 6px}p{line-height:1.45}.meta{color:#555}"
    "table{border-collapse:collapse;font-size:12px;margin:6px 0}th,td{padding:3px 7px;border-bottom:1px solid #e3e3e3}"
    "th{background:#eef0f3;text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr:nth-child(even) td{background:#fafafa}figure{margin:14px 0}figcaption{font-size:12px;color:#444}"
    ".src{font-size:11px;color:#666;font-style:italic}img{max-width:100%;height:auto;border:1px solid #ddd}"
    "aside.quality{border:1px solid #c9b458;background:#fdf9e6;padding:8px 16px;font-size:13px}"
    "aside.quality li.warn{color:#8a4b00}.scroll{overflow-x:auto}nav{font-size:13px}nav a{color:#1f4e8c}";

static void data_uri(px__buf *o, const char *mime, const void *data, size_t len)
{
    gchar *b64 = g_base64_encode(data, len);
    if (!b64) {
        o->failed = 1;
        return;
    }
    px__buf_printf(o, "data:%s;base64,", mime);
    px__buf_add(o, b64, strlen(b64));
    g_free(b64);
}

static void table_html(px__buf *o, const px__rblock *b)
{
    px__buf_printf(o, "<figure><figcaption><strong>");
    px__buf_html(o, b->text);
    px__buf_printf(o, "</strong></figcaption><div class=\"scroll\"><table>\n<tr>");
    for (size_t c = 0; c < b->n_cols; c++) {
        px__buf_printf(o, "<th%s>", b->right[c] ? " class=\"n\"" : "");
        px__buf_html(o, b->cells[c]);
        px__buf_printf(o, "</th>");
    }
    px__buf_printf(o, "</tr>\n");
    for (size_t r = 1; r <= b->n_rows; r++) {
        px__buf_printf(o, "<tr>");
        for (size_t c = 0; c < b->n_cols; c++) {
            px__buf_printf(o, "<td%s>", b->right[c] ? " class=\"n\"" : "");
            px__buf_html(o, b->cells[r * b->n_cols + c]);
            px__buf_printf(o, "</td>");
        }
        px__buf_printf(o, "</tr>\n");
    }
    px__buf_printf(o, "</table></div><p class=\"src\">");
    px__buf_html(o, b->source);
    px__buf_printf(o, "</p></figure>\n");
}

static px_status read_all(px_ctx *ctx, const char *path, px__buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return px__error(ctx, PX_EIO, "%s: cannot read", path);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        px__buf_add(out, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) return px__error(ctx, PX_EIO, "%s: cannot read", path);
    return out->failed ? px__error(ctx, PX_ENOMEM, "out of memory") : PX_OK;
}

px_status px__report_html(px_ctx *ctx, const px__rdoc *d, const char *out_dir)
{
    px__buf o = {0};
    px_status rc = PX_OK;
    px__buf_printf(&o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    px__buf_html(&o, d->title);
    px__buf_printf(&o, "</title>\n<style>%s</style>\n</head>\n<body><main>\n<h1>", css);
    px__buf_html(&o, d->title);
    px__buf_printf(&o, "</h1>\n<p class=\"meta\">Project: ");
    px__buf_html(&o, d->project);
    px__buf_printf(&o, ". Date: ");
    px__buf_html(&o, d->date);
    px__buf_printf(&o, ". Made by Proxima " PX_VERSION_STRING ".</p>\n<nav><ol>\n");
    /* Contents: the sections, linked to their headings inside this file. */
    for (size_t i = 0, k = 0; i < d->n; i++)
        if (d->b[i].kind == PX__RB_HEADING && d->b[i].level == 1) {
            px__buf_printf(&o, "<li><a href=\"#s%zu\">", ++k);
            px__buf_html(&o, d->b[i].text);
            px__buf_printf(&o, "</a></li>\n");
        }
    px__buf_printf(&o, "</ol></nav>\n");
    size_t section = 0;
    for (size_t i = 0; i < d->n && rc == PX_OK; i++) {
        const px__rblock *b = &d->b[i];
        switch (b->kind) {
        case PX__RB_HEADING:
            if (b->level == 1)
                px__buf_printf(&o, "<h2 id=\"s%zu\">", ++section);
            else
                px__buf_printf(&o, "<h%d>", b->level + 1);
            px__buf_html(&o, b->text);
            px__buf_printf(&o, "</h%d>\n", b->level + 1);
            break;
        case PX__RB_PARA:
            px__buf_printf(&o, "<p>");
            px__buf_html(&o, b->text);
            px__buf_printf(&o, "</p>\n");
            break;
        case PX__RB_TABLE: table_html(&o, b); break;
        case PX__RB_CHART: {
            px__buf svg = {0};
            if (px__chart_svg(b, 680, &svg)) {
                rc = px__error(ctx, PX_ENOMEM, "report: chart %s: cannot draw", b->name);
            } else {
                px__buf_printf(&o, "<figure><img alt=\"");
                px__buf_html(&o, b->text);
                px__buf_printf(&o, "\" src=\"");
                data_uri(&o, "image/svg+xml", svg.p, svg.n);
                px__buf_printf(&o, "\"><figcaption>");
                px__buf_html(&o, b->text);
                px__buf_printf(&o, "</figcaption></figure>\n");
            }
            px__buf_free(&svg);
            break;
        }
        case PX__RB_MAP: {
            px__buf png = {0};
            char *path = px__asprintf("%s/%s", out_dir, b->file);
            rc = path ? read_all(ctx, path, &png) : px__error(ctx, PX_ENOMEM, "out of memory");
            if (rc == PX_OK) {
                px__buf_printf(&o, "<figure><img alt=\"Map: ");
                px__buf_html(&o, b->text);
                px__buf_printf(&o, "\" src=\"");
                data_uri(&o, "image/png", png.p, png.n);
                px__buf_printf(&o, "\"><figcaption>Map: ");
                px__buf_html(&o, b->text);
                px__buf_printf(&o, "</figcaption></figure>\n");
            }
            free(path);
            px__buf_free(&png);
            break;
        }
        case PX__RB_BOX: {
            px__buf_printf(&o, "<aside class=\"quality\"><h3>");
            px__buf_html(&o, b->text);
            px__buf_printf(&o, "</h3><ul>\n");
            const char *p = b->source;
            while (p && *p) {
                const char *e = strchr(p, '\n');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                char *line = g_strndup(p, len);
                px__buf_printf(&o, "<li%s>", !strncmp(p, "Warning:", 8) ? " class=\"warn\"" : "");
                px__buf_html(&o, line);
                px__buf_printf(&o, "</li>\n");
                g_free(line);
                p = e ? e + 1 : p + len;
            }
            px__buf_printf(&o, "</ul></aside>\n");
            break;
        }
        }
    }
    px__buf_printf(&o, "</main></body>\n</html>\n");
    char *path = px__asprintf("%s/report.html", out_dir);
    if (rc == PX_OK && (o.failed || !path)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) rc = px_file_write(ctx, path, o.p, o.n);
    free(path);
    px__buf_free(&o);
    return rc;
}
