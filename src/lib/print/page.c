/*
 * Pages and text for the print module: cairo surfaces chosen by file
 * extension (PDF, SVG and PNG, the latter an image surface at the requested
 * dpi), drawn into memory and written by px_file_write (temp file, checked
 * writes, rename) when complete; Pango text (DejaVu Sans, shipped by the set-up
 * script); a small byte buffer for the report writers.
 *
 * Left out: PostScript and EPS surfaces, page sizes other than A4 and A3.
 */
#include "print_int.h"
#include "proxima/io.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- buffer ------------------------------------------------------------------ */

void px__buf_add(px__buf *b, const void *data, size_t len)
{
    if (b->failed) return;
    if (b->n + len + 1 > b->cap) {
        size_t c = b->cap ? 2 * b->cap : 4096;
        while (c < b->n + len + 1)
            c *= 2;
        char *p = realloc(b->p, c);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = c;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    b->p[b->n] = 0;
}

void px__buf_printf(px__buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        px__buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    px__buf_add(b, big, (size_t)n);
    free(big);
}

void px__buf_html(px__buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': px__buf_add(b, "&amp;", 5); break;
        case '<': px__buf_add(b, "&lt;", 4); break;
        case '>': px__buf_add(b, "&gt;", 4); break;
        case '"': px__buf_add(b, "&quot;", 6); break;
        default: px__buf_add(b, s, 1);
        }
    }
}

void px__buf_md(px__buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            px__buf_add(b, "\\|", 2);
        else if (*s == '\n')
            px__buf_add(b, " ", 1);
        else
            px__buf_add(b, s, 1);
    }
}

void px__buf_free(px__buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

cairo_status_t px__buf_cairo_write(void *user, const unsigned char *data, unsigned int len)
{
    px__buf *b = user;
    px__buf_add(b, data, len);
    return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* ---- pages -------------------------------------------------------------------- */

static int ends_with_ci(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcasecmp(s + a - b, suf);
}

int px__print_format(const char *path)
{
    if (ends_with_ci(path, ".pdf")) return PX__FMT_PDF;
    if (ends_with_ci(path, ".svg")) return PX__FMT_SVG;
    if (ends_with_ci(path, ".png")) return PX__FMT_PNG;
    return -1;
}

void px__page_size(px_page_size page, int landscape, double *w, double *h)
{
    /* ISO 216 in points (1/72 in): A4 210 x 297 mm, A3 297 x 420 mm. */
    double a = page == PX_PAGE_A3 ? 841.89 : 595.28, b = page == PX_PAGE_A3 ? 1190.55 : 841.89;
    *w = landscape ? b : a;
    *h = landscape ? a : b;
}

px_status px__page_open(px_ctx *ctx, const char *path, double w, double h, double dpi, const char *title,
                        const char *date, px__page *pg)
{
    memset(pg, 0, sizeof *pg);
    int fmt = px__print_format(path);
    if (fmt < 0) return px__error(ctx, PX_EINVAL, "%s: the output must end in .pdf, .svg or .png", path);
    pg->fmt = (px__fmt)fmt;
    pg->w = w;
    pg->h = h;
    if (!(pg->path = px__strdup(path))) {
        px__page_abort(pg);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    if (pg->fmt == PX__FMT_PDF) {
        pg->sf = cairo_pdf_surface_create_for_stream(px__buf_cairo_write, &pg->bytes, w, h);
        if (cairo_surface_status(pg->sf) == CAIRO_STATUS_SUCCESS) {
            char iso[40];
            snprintf(iso, sizeof iso, "%.10sT00:00:00Z", date ? date : "2000-01-01");
            cairo_pdf_surface_set_metadata(pg->sf, CAIRO_PDF_METADATA_CREATE_DATE, iso);
            cairo_pdf_surface_set_metadata(pg->sf, CAIRO_PDF_METADATA_MOD_DATE, iso);
            if (title) cairo_pdf_surface_set_metadata(pg->sf, CAIRO_PDF_METADATA_TITLE, title);
            cairo_pdf_surface_set_metadata(pg->sf, CAIRO_PDF_METADATA_CREATOR, "Proxima " PX_VERSION_STRING);
        }
    } else if (pg->fmt == PX__FMT_SVG) {
        pg->sf = cairo_svg_surface_create_for_stream(px__buf_cairo_write, &pg->bytes, w, h);
        if (cairo_surface_status(pg->sf) == CAIRO_STATUS_SUCCESS)
            cairo_svg_surface_set_document_unit(pg->sf, CAIRO_SVG_UNIT_PT);
    } else {
        double k = (dpi > 0 ? dpi : 150) / 72.0;
        pg->sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w * k), (int)ceil(h * k));
    }
    if (cairo_surface_status(pg->sf) != CAIRO_STATUS_SUCCESS) {
        px_status rc = px__error(ctx, PX_EIO, "%s: cannot create the page: %s", path,
                                 cairo_status_to_string(cairo_surface_status(pg->sf)));
        px__page_abort(pg);
        return rc;
    }
    pg->cr = cairo_create(pg->sf);
    if (pg->fmt == PX__FMT_PNG) {
        double k = (dpi > 0 ? dpi : 150) / 72.0;
        cairo_scale(pg->cr, k, k);
    }
    cairo_set_source_rgb(pg->cr, 1, 1, 1);
    cairo_paint(pg->cr);
    pg->n_pages = 1;
    return PX_OK;
}

void px__page_next(px__page *pg)
{
    cairo_show_page(pg->cr);
    cairo_set_source_rgb(pg->cr, 1, 1, 1);
    cairo_paint(pg->cr);
    pg->n_pages++;
}

px_status px__page_close(px_ctx *ctx, px__page *pg)
{
    cairo_status_t st = cairo_status(pg->cr);
    cairo_destroy(pg->cr);
    pg->cr = NULL;
    if (st == CAIRO_STATUS_SUCCESS && pg->fmt == PX__FMT_PNG) {
        cairo_surface_flush(pg->sf);
        st = cairo_surface_write_to_png_stream(pg->sf, px__buf_cairo_write, &pg->bytes);
    }
    cairo_surface_finish(pg->sf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(pg->sf);
    cairo_surface_destroy(pg->sf);
    pg->sf = NULL;
    px_status rc = PX_OK;
    if (st != CAIRO_STATUS_SUCCESS || pg->bytes.failed)
        rc = px__error(ctx, pg->bytes.failed ? PX_ENOMEM : PX_EIO, "%s: cannot draw: %s", pg->path,
                       pg->bytes.failed ? "out of memory" : cairo_status_to_string(st));
    else
        /* The one writer of files: temp, checked writes, sync, rename. */
        rc = px_file_write(ctx, pg->path, pg->bytes.p, pg->bytes.n);
    px__buf_free(&pg->bytes);
    free(pg->path);
    pg->path = NULL;
    return rc;
}

void px__page_abort(px__page *pg)
{
    if (pg->cr) cairo_destroy(pg->cr);
    if (pg->sf) {
        cairo_surface_finish(pg->sf);
        cairo_surface_destroy(pg->sf);
    }
    px__buf_free(&pg->bytes);
    free(pg->path);
    memset(pg, 0, sizeof *pg);
}

/* ---- text --------------------------------------------------------------------- */

static PangoLayout *layout_for(cairo_t *cr, const char *font, const char *text, double w, px__align align)
{
    PangoLayout *lay = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    if (w > 0) {
        pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
        pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(lay, align == PX__CENTER  ? PANGO_ALIGN_CENTER
                                    : align == PX__RIGHT ? PANGO_ALIGN_RIGHT
                                                         : PANGO_ALIGN_LEFT);
    pango_layout_set_text(lay, text ? text : "", -1);
    return lay;
}

double px__text(cairo_t *cr, double x, double y, double w, const char *font, px__align align, const char *text)
{
    PangoLayout *lay = layout_for(cr, font, text, w, align);
    int pw, ph;
    pango_layout_get_size(lay, &pw, &ph);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, lay);
    g_object_unref(lay);
    return (double)ph / PANGO_SCALE;
}

void px__text_size(cairo_t *cr, const char *font, const char *text, double *w, double *h)
{
    PangoLayout *lay = layout_for(cr, font, text, 0, PX__LEFT);
    int pw, ph;
    pango_layout_get_size(lay, &pw, &ph);
    *w = (double)pw / PANGO_SCALE;
    *h = (double)ph / PANGO_SCALE;
    g_object_unref(lay);
}

double px__text_height(cairo_t *cr, double w, const char *font, const char *text)
{
    PangoLayout *lay = layout_for(cr, font, text, w, PX__LEFT);
    int pw, ph;
    pango_layout_get_size(lay, &pw, &ph);
    g_object_unref(lay);
    return (double)ph / PANGO_SCALE;
}

void px__text_halo(cairo_t *cr, double x, double y, const char *font, const char *text, double box[4], int draw)
{
    PangoLayout *lay = layout_for(cr, font, text, 0, PX__LEFT);
    int pw, ph;
    pango_layout_get_size(lay, &pw, &ph);
    double w = (double)pw / PANGO_SCALE, h = (double)ph / PANGO_SCALE;
    box[0] = x - w / 2, box[1] = y - h / 2, box[2] = x + w / 2, box[3] = y + h / 2;
    if (draw) {
        cairo_save(cr);
        cairo_new_path(cr);
        cairo_move_to(cr, box[0], box[1]);
        pango_cairo_layout_path(cr, lay);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        cairo_set_line_width(cr, 2.4);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
        cairo_move_to(cr, box[0], box[1]);
        cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
        pango_cairo_show_layout(cr, lay);
        cairo_restore(cr);
    }
    g_object_unref(lay);
}

void px__today(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d", &tm);
}
