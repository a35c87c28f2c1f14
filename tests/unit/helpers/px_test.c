/* Shared unit-test helpers (see px_test.h). */
#include "px_test.h"
#include "geom/geom_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *px_test_tmpdir(const char *tag)
{
    static int counter;
    mkdir(PX_TEST_TMP, 0755);
    char *dir = malloc(512);
    snprintf(dir, 512, "%s/%s-%d-%d", PX_TEST_TMP, tag, (int)getpid(), counter++);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) return dir;
    mkdir(dir, 0755);
    return dir;
}

char *px_test_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *px_test_source_path(const char *rel)
{
    return px_test_path(PX_SOURCE_DIR, rel);
}

void px_test_add_wkt(px_ctx *ctx, px_table_writer *w, const px_value *values, const char *wkt)
{
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSWKTReader *r = GEOSWKTReader_create_r(h);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, r, wkt);
    GEOSWKTReader_destroy_r(h, r);
    if (!g) fail_msg("bad WKT in test: %s", wkt);
    size_t len = 0;
    unsigned char *wkb = px__geom_to_wkb(ctx, g, &len);
    GEOSGeom_destroy_r(h, g);
    assert_non_null(wkb);
    px_status st = px_table_writer_add(w, values, wkb, len, NULL);
    px__wkb_free(ctx, wkb);
    if (st != PX_OK) fail_msg("row refused: %s", px_ctx_errmsg(ctx));
}
