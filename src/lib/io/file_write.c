/*
 * px_file_write: a small output file (a rendered PNG tile, a report) written
 * the way every Proxima output is: to PATH.tmp-PID beside it, every write,
 * the sync and the close checked, then renamed into place. A failure removes
 * the temporary file and leaves an existing PATH untouched; temporary files
 * of dead processes writing the same PATH are removed first.
 */
#include "proxima/io.h"
#include "../core/core_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

px_status px_file_write(px_ctx *ctx, const char *path, const void *data, size_t len)
{
    if (!ctx) return PX_EINVAL;
    if (!path || (!data && len)) return px__error(ctx, PX_EINVAL, "px_file_write: NULL argument");
    char *tmp = px__asprintf("%s.tmp-%ld", path, (long)getpid());
    if (!tmp) return px__error(ctx, PX_ENOMEM, "out of memory");
    px__remove_stale_siblings(path, NULL);
    px_status rc = PX_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        rc = px__error(ctx, PX_EIO, "%s: cannot create: %s", path, strerror(errno));
        goto done;
    }
    const char *p = data;
    size_t left = len;
    while (rc == PX_OK && left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            rc = px__error(ctx, PX_EIO, "%s: write failed: %s; nothing was replaced", path,
                           strerror(w < 0 ? errno : EIO));
        else {
            p += w;
            left -= (size_t)w;
        }
    }
    if (rc == PX_OK && fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
        rc = px__error(ctx, PX_EIO, "%s: write failed: %s; nothing was replaced", path, strerror(errno));
    if (close(fd) != 0 && rc == PX_OK)
        rc = px__error(ctx, PX_EIO, "%s: write failed: %s; nothing was replaced", path, strerror(errno));
    if (rc == PX_OK && rename(tmp, path) != 0)
        rc = px__error(ctx, PX_EIO, "%s: cannot rename the finished file into place: %s", path,
                       strerror(errno));
    if (rc != PX_OK) unlink(tmp);
done:
    free(tmp);
    return rc;
}
