/*
 * Temporary files left by killed processes. Proxima writes every output to a
 * temporary name that carries the writer's process id and renames it when
 * complete; a process killed before the rename leaves its temporary file
 * behind. The next writer of the same output removes those whose process no
 * longer exists. Files of live processes (a concurrent run) are left alone.
 */
#include "core_int.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Is process `pid` still running? (EPERM: it is, owned by someone else.) A
 * zombie is not: a killed writer stays one until its parent, or a container's
 * init that never reaps, collects it. */
static int pid_alive(long pid)
{
    if (pid <= 0) return 0;
    if (kill((pid_t)pid, 0) != 0 && errno != EPERM) return 0;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return 1; /* no /proc: trust kill() */
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
    return !(paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'));
}

/* Remove `path` whether it is a file or a folder tree (tile folders). */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char *sub = px__asprintf("%s/%s", path, e->d_name);
            if (sub) remove_tree(sub);
            free(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

size_t px__remove_stale_temps(const char *dir, const char *prefix, const char *suffix)
{
    DIR *d = opendir(dir && *dir ? dir : ".");
    if (!d) return 0;
    size_t np = strlen(prefix), ns = suffix ? strlen(suffix) : 0, removed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        size_t n = strlen(name);
        if (n <= np + ns || strncmp(name, prefix, np) || (ns && strcmp(name + n - ns, suffix))) continue;
        /* Between prefix and suffix: the process id, digits only. */
        char *end = NULL;
        errno = 0;
        long pid = strtol(name + np, &end, 10);
        if (errno || end == name + np || (size_t)(end - name) != n - ns) continue;
        if (pid == (long)getpid() || pid_alive(pid)) continue;
        char *full = px__asprintf("%s/%s", dir && *dir ? dir : ".", name);
        if (full) {
            remove_tree(full);
            removed++;
        }
        free(full);
    }
    closedir(d);
    return removed;
}

size_t px__remove_stale_siblings(const char *path, const char *suffix)
{
    char *copy = px__strdup(path);
    if (!copy) return 0;
    char *slash = strrchr(copy, '/');
    const char *dir = ".", *base = copy;
    if (slash) {
        *slash = '\0';
        dir = slash == copy ? "/" : copy;
        base = slash + 1;
    }
    char *prefix = px__asprintf("%s.tmp-", base);
    size_t n = prefix ? px__remove_stale_temps(dir, prefix, suffix) : 0;
    free(prefix);
    free(copy);
    return n;
}
