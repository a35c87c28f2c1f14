/*
 * The report's document model (blocks appended in reading order) and the
 * reader of small result tables (every column but geom and props, kept as
 * numbers and as text). Allocation failures set the document's `failed`
 * flag, checked once before writing.
 */
#include "report_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- result tables ------------------------------------------------------------- */

void px__rdata_free(px__rdata *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n_cols; i++)
        free(d->cols[i]);
    for (size_t i = 0; d->txt && i < d->n_rows * d->n_cols; i++)
        free(d->txt[i]);
    free(d->cols);
    free(d->types);
    free(d->num);
    free(d->txt);
    free(d->null);
    free(d);
}

px_status px__rdata_load(px_ctx *ctx, px_store *store, const char *table, px__rdata **out)
{
    if (!px_store_has_table(store, table)) return px__error(ctx, PX_ENOTFOUND, "no table '%s'", table);
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, table, NULL, 0, NULL, &r);
    if (rc != PX_OK) return rc;
    px__rdata *d = calloc(1, sizeof *d);
    size_t nc = px_table_reader_n_columns(r), keep = 0, cap = 0;
    size_t *src = calloc(nc + 1, sizeof *src);
    if (!d || !src || !(d->cols = calloc(nc + 1, sizeof *d->cols)) || !(d->types = calloc(nc + 1, sizeof *d->types))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nc; i++) {
        const char *name = px_table_reader_column_name(r, i);
        if (!strcmp(name, "props") || !strcmp(name, "geom") || !strcmp(name, "fid")) continue;
        if (!(d->cols[keep] = px__strdup(name))) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
        d->types[keep] = px_table_reader_column_type(r, i);
        src[keep++] = i;
        d->n_cols = keep;
    }
    for (;;) {
        int has = 0;
        if ((rc = px_table_reader_next(r, &has)) != PX_OK || !has) break;
        if (d->n_rows == cap) {
            cap = cap ? 2 * cap : 32;
            double *num = realloc(d->num, cap * (keep + 1) * sizeof *num);
            if (num) d->num = num;
            char **txt = realloc(d->txt, cap * (keep + 1) * sizeof *txt);
            if (txt) d->txt = txt;
            unsigned char *nul = realloc(d->null, cap * (keep + 1));
            if (nul) d->null = nul;
            if (!num || !txt || !nul) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
        }
        size_t base = d->n_rows * keep;
        for (size_t c = 0; c < keep; c++) {
            size_t i = src[c];
            d->null[base + c] = (unsigned char)px_table_reader_is_null(r, i);
            d->txt[base + c] = NULL;
            d->num[base + c] = NAN;
            if (d->null[base + c]) continue;
            if (d->types[c] == PX_COL_TEXT) {
                const char *t = px_table_reader_text(r, i);
                d->txt[base + c] = px__strdup(t ? t : "");
            } else {
                d->num[base + c] = d->types[c] == PX_COL_INT ? (double)px_table_reader_int(r, i) : px_table_reader_real(r, i);
                d->txt[base + c] = px__asprintf("%.15g", d->num[base + c]);
            }
            if (!d->txt[base + c]) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
        }
        d->n_rows++;
        if (rc != PX_OK) break;
    }
done:
    px_table_reader_close(r);
    free(src);
    if (rc != PX_OK) {
        px__rdata_free(d);
        return rc;
    }
    *out = d;
    return PX_OK;
}

int px__rdata_col(const px__rdata *d, const char *name)
{
    for (size_t i = 0; d && i < d->n_cols; i++)
        if (!strcmp(d->cols[i], name)) return (int)i;
    return -1;
}

double px__rdata_num(const px__rdata *d, size_t r, int c)
{
    if (!d || c < 0 || r >= d->n_rows || d->null[r * d->n_cols + (size_t)c]) return NAN;
    return d->num[r * d->n_cols + (size_t)c];
}

const char *px__rdata_txt(const px__rdata *d, size_t r, int c)
{
    if (!d || c < 0 || r >= d->n_rows) return NULL;
    return d->txt[r * d->n_cols + (size_t)c];
}

/* ---- document ---------------------------------------------------------------------- */

px__rblock *px__rdoc_add(px__rdoc *d, px__rkind kind)
{
    if (d->failed) return NULL;
    if (d->n == d->cap) {
        size_t c = d->cap ? 2 * d->cap : 32;
        px__rblock *p = realloc(d->b, c * sizeof *p);
        if (!p) {
            d->failed = 1;
            return NULL;
        }
        d->b = p;
        d->cap = c;
    }
    px__rblock *b = &d->b[d->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static char *vfmt(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

void px__rdoc_heading(px__rdoc *d, int level, const char *fmt, ...)
{
    px__rblock *b = px__rdoc_add(d, PX__RB_HEADING);
    if (!b) return;
    b->level = level;
    va_list ap;
    va_start(ap, fmt);
    b->text = vfmt(fmt, ap);
    va_end(ap);
    if (!b->text) d->failed = 1;
}

void px__rdoc_para(px__rdoc *d, const char *fmt, ...)
{
    px__rblock *b = px__rdoc_add(d, PX__RB_PARA);
    if (!b) return;
    va_list ap;
    va_start(ap, fmt);
    b->text = vfmt(fmt, ap);
    va_end(ap);
    if (!b->text) d->failed = 1;
}

px__rblock *px__rdoc_table(px__rdoc *d, const char *caption, const char *source, size_t n_cols,
                           const char *const *header, const unsigned char *right)
{
    px__rblock *b = px__rdoc_add(d, PX__RB_TABLE);
    if (!b) return NULL;
    b->text = px__strdup(caption);
    b->source = px__strdup(source ? source : "");
    b->n_cols = n_cols;
    b->right = calloc(n_cols, 1);
    b->cells = calloc(n_cols, sizeof *b->cells);
    if (!b->text || !b->source || !b->right || !b->cells) {
        d->failed = 1;
        return NULL;
    }
    for (size_t i = 0; i < n_cols; i++) {
        b->right[i] = right ? right[i] : 0;
        if (!(b->cells[i] = px__strdup(header[i]))) d->failed = 1;
    }
    return b;
}

void px__rdoc_row(px__rdoc *d, px__rblock *t, const char *const *cells)
{
    if (!t || d->failed) return;
    char **p = realloc(t->cells, (t->n_rows + 2) * t->n_cols * sizeof *p);
    if (!p) {
        d->failed = 1;
        return;
    }
    t->cells = p;
    for (size_t i = 0; i < t->n_cols; i++)
        if (!(p[(t->n_rows + 1) * t->n_cols + i] = px__strdup(cells[i] ? cells[i] : ""))) d->failed = 1;
    t->n_rows++;
}

void px__rdoc_chart(px__rdoc *d, const char *name, const char *caption, px__chart_fn draw, void *data,
                    void (*free_data)(void *), double aspect)
{
    px__rblock *b = px__rdoc_add(d, PX__RB_CHART);
    if (!b) {
        free_data(data);
        return;
    }
    b->name = px__strdup(name);
    b->text = px__strdup(caption);
    b->draw = draw;
    b->data = data;
    b->free_data = free_data;
    b->aspect = aspect;
    if (!b->name || !b->text) d->failed = 1;
    d->n_charts++;
}

void px__rdoc_free(px__rdoc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        px__rblock *b = &d->b[i];
        free(b->text);
        free(b->source);
        if (b->cells)
            for (size_t k = 0; k < (b->n_rows + 1) * b->n_cols; k++)
                free(b->cells[k]);
        free(b->cells);
        free(b->right);
        free(b->name);
        if (b->free_data) b->free_data(b->data);
        free(b->style_path);
        free(b->file);
    }
    free(d->b);
    free(d->title);
    free(d->date);
    free(d->project);
    memset(d, 0, sizeof *d);
}

int px__rdata_is_region(const char *id) { return id && !strcmp(id, "*"); }

int px__rdata_name_col(const px__rdata *d) { return px__rdata_col(d, "commune_name"); }

void px__fmt_num(char *buf, size_t len, const char *f, double v)
{
    if (isnan(v))
        snprintf(buf, len, "n/a");
    else
        snprintf(buf, len, f, v);
}
