/*
 * CSV of a result table: header, rows in fid order, RFC 4180 quoting, reals
 * with a fixed format so the same table always gives the same bytes. The
 * file is written next to its final name and renamed, so a failed or
 * cancelled run never leaves half a file. Geometry is left out: the GeoJSON
 * export carries it.
 */
#include "proxima/equity.h"
#include "../core/core_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

px_status px_csv_write_table(px_ctx *ctx, px_store *store, const char *table, const char *path)
{
    if (!store || !table || !path) return px__error(ctx, PX_EINVAL, "px_csv_write_table: NULL argument");
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, table, NULL, 0, NULL, &r);
    if (rc != PX_OK) return rc;
    char *tmp = px__asprintf("%s.tmp-%ld", path, (long)getpid());
    FILE *f = tmp ? fopen(tmp, "w") : NULL;
    if (!tmp)
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
    else if (!f)
        rc = px__error(ctx, PX_EIO, "%s: cannot write: %s", path, strerror(errno));
    size_t nc = px_table_reader_n_columns(r);
    for (size_t i = 0; rc == PX_OK && i < nc; i++) {
        if (i) fputc(',', f);
        put_text(f, px_table_reader_column_name(r, i));
    }
    if (rc == PX_OK) fputc('\n', f);
    int has = 0;
    uint64_t n = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        for (size_t i = 0; i < nc; i++) {
            if (i) fputc(',', f);
            if (px_table_reader_is_null(r, i)) continue;
            switch (px_table_reader_column_type(r, i)) {
            case PX_COL_INT:
                fprintf(f, "%lld", (long long)px_table_reader_int(r, i));
                break;
            case PX_COL_REAL: {
                double v = px_table_reader_real(r, i);
                /* "-0" and "0" must not differ between runs. */
                fprintf(f, "%.10g", v == 0 ? 0.0 : v);
                break;
            }
            case PX_COL_TEXT:
                put_text(f, px_table_reader_text(r, i));
                break;
            }
        }
        fputc('\n', f);
        if ((++n & 0xffff) == 0) rc = px__progress(ctx, "write CSV", n, 0);
    }
    px_table_reader_close(r);
    if (f && fclose(f) != 0 && rc == PX_OK)
        rc = px__error(ctx, PX_EIO, "%s: write failed: %s", path, strerror(errno));
    if (rc == PX_OK && rename(tmp, path) != 0)
        rc = px__error(ctx, PX_EIO, "%s: cannot rename into place: %s", path, strerror(errno));
    if (rc != PX_OK && tmp) unlink(tmp);
    free(tmp);
    return rc;
}
