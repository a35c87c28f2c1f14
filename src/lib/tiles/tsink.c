/*
 * Where finished tiles go: an MBTiles file (through the store module's
 * writer, which owns the SQL) or an XYZ folder {z}/{x}/{y}.EXT with a
 * TileJSON 3.0 file `tiles.json`. Both are built under a temporary name
 * beside the destination and renamed into place at the end, so a failed or
 * cancelled run leaves the previous output untouched.
 *
 * A folder destination that already exists is replaced only if it holds a
 * `tiles.json` (an earlier tile folder); any other folder is refused rather
 * than deleted.
 */
#define _XOPEN_SOURCE 700
#include "tiles_int.h"
#include "proxima/mbtiles.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct px__tsink {
    px_ctx *ctx;
    px_mbtiles *mb; /* MBTiles mode */
    char *path, *tmp, *ext;
    int last_z;
    uint32_t last_x;
};

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

char *px__tiles_basename(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *s = px__strdup(*b ? b : "tiles");
    if (!s) return NULL;
    char *dot = strrchr(s, '.');
    if (dot && dot != s) *dot = '\0';
    return s;
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb;
    (void)flag;
    (void)f;
    return remove(p);
}

px_status px__tsink_open(px_ctx *ctx, const char *path, const char *ext, px__tsink **out)
{
    px__tsink *s = calloc(1, sizeof *s);
    if (!s) return px__error(ctx, PX_ENOMEM, "out of memory");
    s->ctx = ctx;
    s->last_z = -1;
    px_status rc = PX_OK;
    if (ends_with(path, ".mbtiles")) {
        rc = px_mbtiles_create(ctx, path, &s->mb);
        if (rc != PX_OK) {
            free(s);
            return rc;
        }
        *out = s;
        return PX_OK;
    }
    s->path = px__strdup(path);
    s->ext = px__strdup(ext);
    s->tmp = px__asprintf("%s.tmp-%ld", path, (long)getpid());
    if (!s->path || !s->ext || !s->tmp) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    struct stat st;
    if (stat(path, &st) == 0) {
        char *tj = px__asprintf("%s/tiles.json", path);
        int ours = tj && S_ISDIR(st.st_mode) && access(tj, F_OK) == 0;
        free(tj);
        if (!ours) {
            rc = px__error(ctx, PX_EIO,
                           "%s: exists and is not a Proxima tile folder (no tiles.json); not replacing it",
                           path);
            goto done;
        }
    }
    nftw(s->tmp, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    px__remove_stale_siblings(path, NULL); /* folders of killed runs */
    if (mkdir(s->tmp, 0777) != 0)
        rc = px__error(ctx, PX_EIO, "%s: cannot create folder: %s", s->tmp, strerror(errno));
done:
    if (rc != PX_OK) {
        free(s->path);
        free(s->tmp);
        free(s->ext);
        free(s);
        return rc;
    }
    *out = s;
    return PX_OK;
}

px_status px__tsink_put(px__tsink *s, int z, uint32_t x, uint32_t y, const unsigned char *data, size_t len)
{
    if (s->mb) return px_mbtiles_put(s->mb, z, x, y, data, len);
    char path[4096];
    if (z != s->last_z) {
        snprintf(path, sizeof path, "%s/%d", s->tmp, z);
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return px__error(s->ctx, PX_EIO, "%s: cannot create folder: %s", path, strerror(errno));
        s->last_z = z;
        s->last_x = UINT32_MAX;
    }
    if (x != s->last_x) {
        snprintf(path, sizeof path, "%s/%d/%u", s->tmp, z, x);
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return px__error(s->ctx, PX_EIO, "%s: cannot create folder: %s", path, strerror(errno));
        s->last_x = x;
    }
    snprintf(path, sizeof path, "%s/%d/%u/%u.%s", s->tmp, z, x, y, s->ext);
    FILE *f = fopen(path, "wb");
    if (!f) return px__error(s->ctx, PX_EIO, "%s: cannot write: %s", path, strerror(errno));
    size_t w = fwrite(data, 1, len, f);
    if (fclose(f) != 0 || w != len)
        return px__error(s->ctx, PX_EIO, "%s: cannot write: %s", path, strerror(errno));
    return PX_OK;
}

static char *fmt_bounds(const double b[4])
{
    return px__asprintf("%.6f,%.6f,%.6f,%.6f", b[0], b[1], b[2], b[3]);
}

static px_status mb_meta(px__tsink *s, const px__tmeta *m)
{
    char minz[16], maxz[16];
    snprintf(minz, sizeof minz, "%d", m->minzoom);
    snprintf(maxz, sizeof maxz, "%d", m->maxzoom);
    char *bounds = fmt_bounds(m->bounds);
    int cz = m->minzoom + (m->maxzoom - m->minzoom) / 2;
    char *center = px__asprintf("%.6f,%.6f,%d", (m->bounds[0] + m->bounds[2]) / 2,
                                (m->bounds[1] + m->bounds[3]) / 2, cz);
    char *json = NULL;
    if (m->vector_layers) {
        json_t *o = json_pack("{s:O}", "vector_layers", m->vector_layers);
        json = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
    }
    px_status rc = PX_OK;
    if (!bounds || !center || (m->vector_layers && !json)) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    const char *kv[][2] = {{"name", m->name},
                           {"format", m->format},
                           {"bounds", bounds},
                           {"center", center},
                           {"minzoom", minz},
                           {"maxzoom", maxz},
                           {"attribution", m->attribution ? m->attribution : ""},
                           {"description", m->description ? m->description : ""},
                           {"type", "overlay"},
                           {"version", "1"},
                           {"json", json}};
    for (size_t i = 0; rc == PX_OK && i < sizeof kv / sizeof kv[0]; i++)
        if (kv[i][1]) rc = px_mbtiles_set_metadata(s->mb, kv[i][0], kv[i][1]);
    free(bounds);
    free(center);
    free(json);
    return rc;
}

static px_status dir_meta(px__tsink *s, const px__tmeta *m)
{
    char *tiles = px__asprintf("{z}/{x}/{y}.%s", s->ext);
    char *path = px__asprintf("%s/tiles.json", s->tmp);
    int cz = m->minzoom + (m->maxzoom - m->minzoom) / 2;
    json_t *o = tiles ? json_pack("{s:s, s:s, s:s, s:[s], s:i, s:i, s:[f,f,f,f], s:[f,f,i], s:s, s:s}",
                                  "tilejson", "3.0.0", "name", m->name, "format", m->format, "tiles", tiles,
                                  "minzoom", m->minzoom, "maxzoom", m->maxzoom, "bounds", m->bounds[0],
                                  m->bounds[1], m->bounds[2], m->bounds[3], "center",
                                  (m->bounds[0] + m->bounds[2]) / 2, (m->bounds[1] + m->bounds[3]) / 2, cz,
                                  "attribution", m->attribution ? m->attribution : "", "description",
                                  m->description ? m->description : "")
                      : NULL;
    px_status rc = PX_OK;
    if (!o || !path || (m->vector_layers && json_object_set(o, "vector_layers", m->vector_layers)))
        rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    else if (json_dump_file(o, path, JSON_INDENT(2)) != 0)
        rc = px__error(s->ctx, PX_EIO, "%s: cannot write", path);
    json_decref(o);
    free(tiles);
    free(path);
    return rc;
}

static void sink_free(px__tsink *s)
{
    free(s->path);
    free(s->tmp);
    free(s->ext);
    free(s);
}

px_status px__tsink_finish(px__tsink *s, const px__tmeta *meta)
{
    px_status rc;
    if (s->mb) {
        rc = mb_meta(s, meta);
        if (rc != PX_OK)
            px_mbtiles_abort(s->mb);
        else
            rc = px_mbtiles_finish(s->mb);
        free(s);
        return rc;
    }
    rc = dir_meta(s, meta);
    if (rc == PX_OK) {
        struct stat st;
        if (stat(s->path, &st) == 0 && nftw(s->path, rm_cb, 16, FTW_DEPTH | FTW_PHYS) != 0)
            rc = px__error(s->ctx, PX_EIO, "%s: cannot remove the previous tiles: %s", s->path,
                           strerror(errno));
        else if (rename(s->tmp, s->path) != 0)
            rc = px__error(s->ctx, PX_EIO, "%s: cannot rename into place: %s", s->path, strerror(errno));
    }
    if (rc != PX_OK) nftw(s->tmp, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    sink_free(s);
    return rc;
}

void px__tsink_abort(px__tsink *s)
{
    if (!s) return;
    if (s->mb)
        px_mbtiles_abort(s->mb);
    else
        nftw(s->tmp, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    sink_free(s);
}
