/*
 * Output paths checked before a command changes anything: the folder is
 * created when missing (mkdir -p, as users of ogr2ogr-like tools expect of
 * an output folder) and a probe file is created and removed in it, so a
 * folder that cannot be written fails the command while the project is still
 * untouched. The files themselves are written later, to a temporary name
 * and renamed, by the library.
 */
#include "opts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *cmd, const char *path, const char *what, int err)
{
    fprintf(stderr, "proxima: %s: %s: %s: %s\n", cmd, path, what, strerror(err));
    return PX_EXIT_RUNTIME;
}

/* mkdir -p `dir` (modified in place while walking, restored). Errors name
 * the whole folder asked for. */
static int make_dirs(const char *cmd, char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) return fail(cmd, dir, "cannot use as an output folder", ENOTDIR);
        return PX_EXIT_OK;
    }
    int err = 0;
    for (char *p = dir + 1; !err; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) err = errno;
        else if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) err = ENOTDIR;
        *p = c;
        if (!c) break;
    }
    return err ? fail(cmd, dir, "cannot create the output folder", err) : PX_EXIT_OK;
}

/* Create and remove a probe file in `dir`. */
static int probe(const char *cmd, const char *dir)
{
    size_t n = strlen(dir) + 48;
    char *p = malloc(n);
    if (!p) return fail(cmd, dir, "cannot check", ENOMEM);
    snprintf(p, n, "%s/.proxima-probe-%ld", dir, (long)getpid());
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
    int err = errno;
    if (fd >= 0) {
        close(fd);
        unlink(p);
    }
    free(p);
    if (fd < 0) return fail(cmd, dir, "cannot write in the output folder", err);
    return PX_EXIT_OK;
}

int px_cli_output_dir(const char *cmd, const char *dir)
{
    char *d = strdup(dir);
    if (!d) return fail(cmd, dir, "cannot check", ENOMEM);
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/') d[--n] = '\0';
    int rc = make_dirs(cmd, d);
    if (rc == PX_EXIT_OK) rc = probe(cmd, d);
    free(d);
    return rc;
}

int px_cli_output_file(const char *cmd, const char *path)
{
    struct stat sb;
    size_t n = strlen(path);
    if (n == 0 || path[n - 1] == '/' || (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return fail(cmd, path, "is a folder, a file name was expected", EISDIR);
    return px_cli_output_parent(cmd, path);
}

int px_cli_output_parent(const char *cmd, const char *path)
{
    char *d = strdup(path);
    if (!d) return fail(cmd, path, "cannot check", ENOMEM);
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/') d[--n] = '\0';
    char *slash = strrchr(d, '/');
    int rc;
    if (!slash) rc = probe(cmd, ".");
    else if (slash == d) rc = probe(cmd, "/");
    else {
        *slash = '\0';
        rc = px_cli_output_dir(cmd, d);
    }
    free(d);
    return rc;
}
