/*
 * Unit tests of the map server's public calls (proxima/server.h): start on a
 * free port, answer over a plain socket, refuse bad options and a taken
 * port, report missing viewer files; the static site's files. The HTTP
 * surface itself is tested end to end in tests/cli/test_serve.sh.
 */
#include "tiles_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* GET `path` from 127.0.0.1:port; returns the status code, the body (up to
 * cap - 1 bytes) in `body`. */
static int http_get(int port, const char *path, char *body, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
    assert_int_equal(write(fd, req, (size_t)n), n);
    static char buf[1 << 20];
    size_t got = 0;
    ssize_t r;
    while (got < sizeof buf - 1 && (r = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)r;
    buf[got] = 0;
    close(fd);
    int status = 0;
    assert_int_equal(sscanf(buf, "HTTP/1.1 %d", &status), 1);
    const char *b = strstr(buf, "\r\n\r\n");
    snprintf(body, cap, "%s", b ? b + 4 : "");
    return status;
}

static void test_px_server_start_answers(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("server");
    px_store *s = fx_store(ctx, dir);
    px_store_close(s);
    char *project = px_test_path(dir, "p.sqlite");
    px_server_options o;
    px_server_options_default(&o);
    assert_string_equal(o.bind, "127.0.0.1");
    assert_int_equal(o.port, 8080);
    o.port = 0;
    px_server *srv = NULL;
    assert_int_equal(px_server_start(ctx, project, &o, &srv), PX_OK);
    int port = px_server_port(srv);
    assert_true(port > 0);
    char body[4096];
    assert_int_equal(http_get(port, "/health", body, sizeof body), 200);
    assert_non_null(strstr(body, "\"status\":\"ok\""));
    assert_non_null(strstr(body, "\"tilesets\":3"));
    assert_int_equal(http_get(port, "/tiles/sites/1/1/0.pbf", body, sizeof body), 200);
    assert_int_equal(http_get(port, "/tiles/sites/1/0/1.pbf", body, sizeof body), 204); /* no site there */
    assert_int_equal(http_get(port, "/tiles/sites/1/2/0.pbf", body, sizeof body), 400);
    assert_non_null(strstr(body, "X or Y out of range"));
    assert_int_equal(http_get(port, "/sites.json", body, sizeof body), 200);
    assert_non_null(strstr(body, "\"tilejson\":\"3.0.0\""));
    /* The port is taken while this server runs. */
    px_server *second = NULL;
    o.port = port;
    assert_int_equal(px_server_start(ctx, project, &o, &second), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "cannot listen on 127.0.0.1 port"));
    px_server_stop(srv);
    px_server_stop(NULL);
    /* Bad options and missing files. */
    o.port = 0;
    o.threads = 0;
    assert_int_equal(px_server_start(ctx, project, &o, &srv), PX_EINVAL);
    o.threads = 2;
    o.bind = "localhost";
    assert_int_equal(px_server_start(ctx, project, &o, &srv), PX_EINVAL);
    o.bind = "127.0.0.1";
    o.maplibre_dir = dir; /* no maplibre-gl.js there */
    assert_int_equal(px_server_start(ctx, project, &o, &srv), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "MapLibre GL JS is missing"));
    char *missing = px_test_path(dir, "missing.sqlite");
    px_server_options_default(&o);
    o.port = 0;
    assert_int_not_equal(px_server_start(ctx, missing, &o, &srv), PX_OK);
    free(missing);
    free(project);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_site_write(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("site");
    px_store *s = fx_store(ctx, dir);
    px_store_close(s);
    char *project = px_test_path(dir, "p.sqlite");
    char *out = px_test_path(dir, "site");
    uint64_t n = 0;
    assert_int_equal(px_site_write(ctx, project, out, NULL, &n), PX_OK);
    /* No style draws the fixture's tables and it has no communes: the viewer,
     * its catalog and no tiles. */
    assert_int_equal(n, 0);
    struct stat st;
    const char *files[] = {"index.html", "viewer/viewer.js", "viewer/maplibre-gl.js", "viewer/catalog.json"};
    for (size_t i = 0; i < 4; i++) {
        char *p = px_test_path(out, files[i]);
        assert_int_equal(stat(p, &st), 0);
        assert_true(st.st_size > 0);
        free(p);
    }
    char *missing = px_test_path(dir, "missing.sqlite");
    assert_int_not_equal(px_site_write(ctx, missing, out, NULL, &n), PX_OK);
    free(missing);
    free(out);
    free(project);
    free(dir);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_server_start_answers),
        cmocka_unit_test(test_px_site_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
