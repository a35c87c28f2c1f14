/* Shared unit-test helpers (see px_test.h). */
#include "px_test.h"

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
