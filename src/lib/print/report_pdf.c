/*
 * report.pdf: the report on A4 pages (cairo PDF, Pango text): a flowing
 * column with headings kept with what follows, tables whose header row is
 * repeated after a page break, charts drawn as vectors, each map on its own
 * page (the same page px_map_write gives), the data-quality box, and a
 * footer with the title and page number.
 *
 * Left out: a table of contents, tables wider than the page (their columns
 * shrink and the text wraps instead).
 */
#include "report_int.h"
#include "../tiles/tiles_frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define M_LEFT 48.0
#define M_TOP 48.0
#define M_BOTTOM 52.0

typedef struct flow {
    px__page pg;
    double y, W, H, cw;
    int page_no;
    const char *title;
} flow;

static void page_footer(flow *f)
{
    char line[512];
    snprintf(line, sizeof line, "%s - page %d", f->title, f->page_no);
    cairo_set_source_rgb(f->pg.cr, 0.45, 0.45, 0.45);
    px__text(f->pg.cr, M_LEFT, f->H - M_BOTTOM + 18, f->cw, "DejaVu Sans 7", PX__CENTER, line);
}

static void new_page(flow *f)
{
    page_footer(f);
    px__page_next(&f->pg);
    f->page_no++;
    f->y = M_TOP;
}

/* Make room for `h` points, starting a page when the rest is too short
 * (a block taller than a page starts at the top and runs over). */
static void ensure(flow *f, double h)
{
    if (f->y + h > f->H - M_BOTTOM && f->y > M_TOP) new_page(f);
}

static void ink(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
}

static void table_pdf(flow *f, const px__rblock *b)
{
    cairo_t *cr = f->pg.cr;
    /* Each column as wide as its widest cell and its header's longest word,
     * at the largest of three sizes at which the table fits the page; room
     * left over goes to headers that would wrap; a table still too wide
     * shrinks every column in proportion (cells wrap). */
    static const double sizes[] = {6.8, 6.1, 5.4};
    char font[48], bold[48];
    double data[64], head[64], w[64], sum = 0, extra = 0;
    size_t nc = b->n_cols < 64 ? b->n_cols : 64;
    for (int si = 0; si < 3; si++) {
        snprintf(font, sizeof font, "DejaVu Sans %.1f", sizes[si]);
        snprintf(bold, sizeof bold, "DejaVu Sans Bold %.1f", sizes[si]);
        sum = 0;
        for (size_t c = 0; c < nc; c++) {
            double tw, th, word = 0;
            data[c] = 0;
            for (size_t r = 1; r <= b->n_rows; r++) {
                px__text_size(cr, font, b->cells[r * b->n_cols + c], &tw, &th);
                data[c] = fmax(data[c], fmin(tw, 180) + 8);
            }
            char buf[256];
            snprintf(buf, sizeof buf, "%s", b->cells[c]);
            for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
                px__text_size(cr, bold, tok, &tw, &th);
                word = fmax(word, tw + 8);
            }
            px__text_size(cr, bold, b->cells[c], &tw, &th);
            head[c] = tw + 8;
            w[c] = fmax(data[c], word);
            sum += w[c];
        }
        if (sum <= f->cw) break;
    }
    for (size_t c = 0; c < nc; c++)
        extra += fmax(0, head[c] - w[c]);
    if (sum < f->cw && extra > 0) {
        double k = fmin(1, (f->cw - sum) / extra);
        for (size_t c = 0; c < nc; c++) {
            double add = fmax(0, head[c] - w[c]) * k;
            w[c] += add;
            sum += add;
        }
    }
    if (sum > f->cw) {
        for (size_t c = 0; c < nc; c++)
            w[c] *= f->cw / sum;
        sum = f->cw;
    }
    double total = fmin(sum, f->cw);
    ensure(f, 60);
    ink(cr);
    f->y += px__text(cr, M_LEFT, f->y, f->cw, "DejaVu Sans Bold 8.5", PX__LEFT, b->text) + 3;
    for (size_t r = 0; r <= b->n_rows; r++) {
        double rh = 0;
        for (size_t c = 0; c < nc; c++)
            rh = fmax(rh, px__text_height(cr, w[c] - 6, r ? font : bold, b->cells[r * b->n_cols + c]));
        rh += 4;
        int broke = 0;
        if (r > 0 && f->y + rh > f->H - M_BOTTOM) {
            new_page(f);
            broke = 1;
        }
        /* After a page break, the header row again, then this row. */
        for (int pass = broke ? 0 : 1; pass < 2; pass++) {
            size_t row = pass == 0 ? 0 : r;
            double h = rh;
            if (pass == 0) {
                h = 0;
                for (size_t c = 0; c < nc; c++)
                    h = fmax(h, px__text_height(cr, w[c] - 6, bold, b->cells[c]));
                h += 4;
            }
            if (row == 0)
                cairo_set_source_rgb(cr, 0.92, 0.93, 0.95);
            else if (row % 2 == 0)
                cairo_set_source_rgb(cr, 0.975, 0.975, 0.975);
            else
                cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_rectangle(cr, M_LEFT, f->y, total, h);
            cairo_fill(cr);
            double x = M_LEFT;
            ink(cr);
            for (size_t c = 0; c < nc; c++) {
                px__text(cr, x + 3, f->y + 2, w[c] - 6, row ? font : bold, b->right[c] ? PX__RIGHT : PX__LEFT,
                         b->cells[row * b->n_cols + c]);
                x += w[c];
            }
            f->y += h;
        }
    }
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    if (b->source && *b->source) f->y += px__text(cr, M_LEFT, f->y + 2, f->cw, "DejaVu Sans Oblique 6.3", PX__LEFT, b->source) + 2;
    f->y += 10;
}

px_status px__report_pdf(px_ctx *ctx, px_store *store, const px__rdoc *d, const char *out_dir)
{
    flow f = {.title = d->title, .page_no = 1};
    px__page_size(PX_PAGE_A4, 0, &f.W, &f.H);
    f.cw = f.W - 2 * M_LEFT;
    f.y = M_TOP;
    char *path = px__asprintf("%s/report.pdf", out_dir);
    if (!path) return px__error(ctx, PX_ENOMEM, "out of memory");
    px_status rc = px__page_open(ctx, path, f.W, f.H, 72, d->title, d->date, &f.pg);
    free(path);
    if (rc != PX_OK) return rc;
    cairo_t *cr = f.pg.cr;
    ink(cr);
    f.y += px__text(cr, M_LEFT, f.y, f.cw, "DejaVu Sans Bold 20", PX__LEFT, d->title) + 4;
    char meta[512];
    snprintf(meta, sizeof meta, "Project: %s. Date: %s. Made by Proxima " PX_VERSION_STRING ".", d->project, d->date);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    f.y += px__text(cr, M_LEFT, f.y, f.cw, "DejaVu Sans 9", PX__LEFT, meta) + 12;
    int after_map = 0;
    for (size_t i = 0; i < d->n && rc == PX_OK; i++) {
        const px__rblock *b = &d->b[i];
        if (after_map && b->kind != PX__RB_MAP) {
            new_page(&f);
            after_map = 0;
        }
        switch (b->kind) {
        case PX__RB_HEADING: {
            double size = b->level == 1 ? 14 : 10.5;
            char font[64];
            snprintf(font, sizeof font, "DejaVu Sans Bold %g", size);
            f.y += b->level == 1 ? 10 : 4;
            ensure(&f, 90);
            ink(cr);
            f.y += px__text(cr, M_LEFT, f.y, f.cw, font, PX__LEFT, b->text) + 5;
            break;
        }
        case PX__RB_PARA: {
            double h = px__text_height(cr, f.cw, "DejaVu Sans 8.5", b->text);
            ensure(&f, h);
            ink(cr);
            f.y += px__text(cr, M_LEFT, f.y, f.cw, "DejaVu Sans 8.5", PX__LEFT, b->text) + 6;
            break;
        }
        case PX__RB_TABLE: table_pdf(&f, b); break;
        case PX__RB_CHART: {
            double h = f.cw * b->aspect;
            ensure(&f, h);
            cairo_save(cr);
            b->draw(cr, (px_rect){M_LEFT, f.y, f.cw, h}, b->data);
            cairo_restore(cr);
            f.y += h + 12;
            break;
        }
        case PX__RB_MAP: {
            /* A page of its own: the page px_map_write draws. */
            new_page(&f);
            px_style *st = NULL;
            rc = px_style_read(ctx, b->style_path, &st);
            px_map_options mo;
            px_map_options_default(&mo);
            mo.date = d->date;
            if (rc == PX_OK) rc = px__map_onto(ctx, cr, store, st, &mo, NULL);
            px_style_free(st);
            after_map = 1;
            break;
        }
        case PX__RB_BOX: {
            f.y += 4;
            ensure(&f, 40);
            ink(cr);
            f.y += px__text(cr, M_LEFT, f.y, f.cw, "DejaVu Sans Bold 10", PX__LEFT, b->text) + 4;
            const char *p = b->source;
            while (p && *p) {
                const char *e = strchr(p, '\n');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                char *line = malloc(len + 1);
                if (!line) {
                    rc = px__error(ctx, PX_ENOMEM, "out of memory");
                    break;
                }
                memcpy(line, p, len);
                line[len] = 0;
                double h = px__text_height(cr, f.cw - 12, "DejaVu Sans 7.5", line) + 4;
                ensure(&f, h);
                int w = !strncmp(line, "Warning:", 8);
                cairo_set_source_rgb(cr, w ? 1.0 : 0.97, w ? 0.96 : 0.97, w ? 0.85 : 0.94);
                cairo_rectangle(cr, M_LEFT, f.y, f.cw, h);
                cairo_fill(cr);
                if (w)
                    cairo_set_source_rgb(cr, 0.5, 0.27, 0);
                else
                    ink(cr);
                px__text(cr, M_LEFT + 6, f.y + 2, f.cw - 12, "DejaVu Sans 7.5", PX__LEFT, line);
                f.y += h;
                free(line);
                p = e ? e + 1 : p + len;
            }
            f.y += 10;
            break;
        }
        }
        if (rc == PX_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
            rc = px__error(ctx, PX_ENOMEM, "report.pdf: drawing failed: %s", cairo_status_to_string(cairo_status(cr)));
    }
    if (rc != PX_OK) {
        px__page_abort(&f.pg);
        return rc;
    }
    if (!after_map) page_footer(&f);
    return px__page_close(ctx, &f.pg);
}
