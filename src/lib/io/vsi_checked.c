/*
 * A GDAL virtual file system, "/vsipxchecked/PATH", that writes PATH like
 * a plain file but checks every write, flush and close and reports a failure
 * as a GDAL error (CPLError, CE_Failure, with the system's words).
 *
 * Why: GDAL 3.6's GeoJSON and GeoJSONSeq writers ignore the result of their
 * writes, so on a full disk (or over a file size limit) an export would
 * "succeed" with a truncated file. Export writes those formats through this
 * handler and fails when a GDAL error was raised, before renaming anything.
 * The data are synced to disk on close, so that errors a file system only
 * reports then (delayed allocation, network file systems) are seen too.
 * Only what the vector writers need is implemented: open, stat, unlink,
 * sequential and seekable reads and writes. GDAL's plugin registry is
 * process-wide; the handler itself keeps no state outside its file handles.
 */
#include "io_gdal.h"

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PREFIX "/vsipxchecked/"

typedef struct handle {
    FILE *f;
    char *path;
    int failed; /* an error was already reported: report it once */
} handle;

static const char *real_path(const char *name)
{
    return name; /* GDAL passes the name without the prefix */
}

static void report(handle *h, const char *what)
{
    if (h->failed) return;
    h->failed = 1;
    CPLError(CE_Failure, CPLE_FileIO, "%s failed: %s", what, strerror(errno ? errno : EIO));
}

static int cb_stat(void *ud, const char *name, VSIStatBufL *out, int flags)
{
    (void)ud;
    return VSIStatExL(real_path(name), out, flags);
}

static int cb_unlink(void *ud, const char *name)
{
    (void)ud;
    return unlink(real_path(name));
}

static void *cb_open(void *ud, const char *name, const char *access_mode)
{
    (void)ud;
    const char *path = real_path(name);
    handle *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->path = strdup(path);
    h->f = h->path ? fopen(path, access_mode) : NULL;
    if (!h->f) {
        if (strchr(access_mode, 'w') || strchr(access_mode, 'a') || strchr(access_mode, '+'))
            CPLError(CE_Failure, CPLE_OpenFailed, "cannot create %s: %s", path, strerror(errno));
        free(h->path);
        free(h);
        return NULL;
    }
    setvbuf(h->f, NULL, _IOFBF, 1 << 16);
    return h;
}

static vsi_l_offset cb_tell(void *p)
{
    off_t o = ftello(((handle *)p)->f);
    return o < 0 ? 0 : (vsi_l_offset)o;
}

static int cb_seek(void *p, vsi_l_offset off, int whence)
{
    handle *h = p;
    if (fseeko(h->f, (off_t)off, whence) != 0) {
        report(h, "seek");
        return -1;
    }
    return 0;
}

static size_t cb_read(void *p, void *buf, size_t size, size_t count)
{
    handle *h = p;
    size_t n = fread(buf, size, count, h->f);
    if (n < count && ferror(h->f)) report(h, "read");
    return n;
}

static int cb_eof(void *p)
{
    return feof(((handle *)p)->f);
}

static size_t cb_write(void *p, const void *buf, size_t size, size_t count)
{
    handle *h = p;
    errno = 0;
    size_t n = fwrite(buf, size, count, h->f);
    if (n < count) report(h, "write");
    return n;
}

static int cb_flush(void *p)
{
    handle *h = p;
    errno = 0;
    if (fflush(h->f) != 0) {
        report(h, "write");
        return -1;
    }
    return 0;
}

static int cb_truncate(void *p, vsi_l_offset size)
{
    handle *h = p;
    if (fflush(h->f) != 0 || ftruncate(fileno(h->f), (off_t)size) != 0) {
        report(h, "write");
        return -1;
    }
    return 0;
}

static int cb_close(void *p)
{
    handle *h = p;
    int rc = 0;
    errno = 0;
    if (fflush(h->f) != 0 || ferror(h->f)) {
        report(h, "write");
        rc = -1;
    }
    /* EINVAL: a file system (or special file) without fsync: nothing to learn. */
    if (rc == 0 && fsync(fileno(h->f)) != 0 && errno != EINVAL && errno != EROFS) {
        report(h, "write");
        rc = -1;
    }
    if (fclose(h->f) != 0 && rc == 0) {
        report(h, "close");
        rc = -1;
    }
    free(h->path);
    free(h);
    return rc;
}

static int installed;

static void install(void)
{
    VSIFilesystemPluginCallbacksStruct *cb = VSIAllocFilesystemPluginCallbacksStruct();
    if (!cb) return;
    cb->stat = cb_stat;
    cb->unlink = cb_unlink;
    cb->open = cb_open;
    cb->tell = cb_tell;
    cb->seek = cb_seek;
    cb->read = cb_read;
    cb->eof = cb_eof;
    cb->write = cb_write;
    cb->flush = cb_flush;
    cb->truncate = cb_truncate;
    cb->close = cb_close;
    installed = VSIInstallPluginHandler(PREFIX, cb) == 0;
    VSIFreeFilesystemPluginCallbacksStruct(cb);
}

char *px__vsi_checked_path(const char *path)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install);
    if (!installed) return NULL;
    return px__asprintf(PREFIX "%s", path);
}
