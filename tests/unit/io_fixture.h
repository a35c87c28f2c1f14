/*
 * What the io unit tests share: a context whose warnings are collected, a
 * scratch folder, layer definitions written from text (where @F stands for
 * the fixtures folder), and small readers of the loaded rows. Test-only;
 * every function is static inline so each test file uses what it needs.
 */
#ifndef PX_IO_FIXTURE_H
#define PX_IO_FIXTURE_H

#include "helpers/px_test.h"

#include "geom/geom_int.h"
#include "io/io_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fx {
    px_ctx *ctx;
    char *dir;
    char *fixtures;
    char log[8192];
} fx;

static inline void log_sink(void *user, px_log_level level, const char *msg)
{
    fx *f = user;
    if (level > PX_LOG_WARN) return;
    size_t n = strlen(f->log);
    snprintf(f->log + n, sizeof f->log - n, "%s\n", msg);
}

static inline int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_int_equal(px_ctx_new(&f->ctx), PX_OK);
    px_ctx_set_log(f->ctx, log_sink, f, PX_LOG_WARN);
    f->dir = px_test_tmpdir("io");
    f->fixtures = px_test_source_path("tests/fixtures/io");
    *state = f;
    return 0;
}

static inline int teardown(void **state)
{
    fx *f = *state;
    px_ctx_free(f->ctx);
    free(f->dir);
    free(f->fixtures);
    free(f);
    return 0;
}

/* Write `name` in the test folder from a format where every %1$s is the
 * fixtures folder; returns its path (caller frees). */
static inline char *write_def(fx *f, const char *name, const char *fmt)
{
    char *path = px_test_path(f->dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '@' && p[1] == 'F') {
            fputs(f->fixtures, fp);
            p++;
        } else {
            fputc(*p, fp);
        }
    }
    fclose(fp);
    return path;
}

static inline px_store *new_store(fx *f, const char *crs)
{
    char *path = px_test_path(f->dir, "p.sqlite");
    remove(path);
    px_store *s = NULL;
    assert_int_equal(px_store_create(f->ctx, path, crs, &s), PX_OK);
    free(path);
    return s;
}

/* Load definition text into `s`; returns the status, reports in *rep. */
static inline px_status load_text(fx *f, px_store *s, const char *text, int strict, px_load_report **rep,
                                  size_t *n)
{
    char *path = write_def(f, "def.yaml", text);
    px_layerdef *def = NULL;
    px_status st = px_layerdef_read(f->ctx, path, &def);
    free(path);
    if (st != PX_OK) {
        fprintf(stderr, "# layerdef: %s\n", px_ctx_errmsg(f->ctx));
        return st;
    }
    px_load_options o = {.strict = strict};
    *rep = NULL;
    *n = 0;
    st = px_load(f->ctx, s, def, &o, rep, n);
    if (st != PX_OK) fprintf(stderr, "# load: %s\n", px_ctx_errmsg(f->ctx)); /* shown when a check fails */
    px_layerdef_free(def);
    return st;
}

/* Text column `col` and area of the row whose `key_col` is `key`. */
static inline int find_row(fx *f, px_store *s, const char *table, const char *key_col, const char *key,
                           const char *col, char *text_out, size_t text_len, double *area)
{
    const char *cols[] = {key_col, col, NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, table, cols, 1, NULL, &r), PX_OK);
    int has = 0, found = 0;
    while (!found && px_table_reader_next(r, &has) == PX_OK && has) {
        const char *k = px_table_reader_text(r, 0);
        if (!k || strcmp(k, key)) continue;
        found = 1;
        const char *t = px_table_reader_text(r, 1);
        snprintf(text_out, text_len, "%s", t ? t : "(null)");
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        *area = -1;
        if (wkb) {
            GEOSGeometry *g = px__geom_from_wkb(f->ctx, wkb, len);
            GEOSArea_r(px__geos(f->ctx), g, area);
            GEOSGeom_destroy_r(px__geos(f->ctx), g);
        }
    }
    px_table_reader_close(r);
    return found;
}

static inline int64_t count(px_store *s, const char *table)
{
    int64_t n = -1;
    if (px_store_count(s, table, &n) != PX_OK) return -1;
    return n;
}

#endif
