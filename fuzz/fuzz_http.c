/*
 * libFuzzer target: the HTTP request path of `proxima serve` (routing, names,
 * tile coordinates, bbox and limit parsing, TileJSON, styles, tables), through
 * a real server on loopback. The first call builds a small project (the
 * two-commune fixture of tests/cli/data/tiles-fixture.yaml) in a temporary
 * folder and starts the server on a free port with two threads.
 * Input: the first byte chooses the form. Even: the rest is a request target,
 * sent as "GET <target> HTTP/1.1" with a Host header. Odd: the rest is sent as
 * raw bytes (request line, headers, anything). The answer is read until the
 * server closes or goes quiet (0.5 s at most to start). Any answer is fine; crashes, leaks, undefined
 * behaviour and hangs are not.
 */
#include "proxima/io.h"
#include "proxima/proxima.h"
#include "proxima/server.h"
#include "proxima/store.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static px_ctx *g_ctx;
static px_server *g_srv;
static char g_dir[64];

static void stop_server(void)
{
    char p[96];
    px_server_stop(g_srv);
    px_ctx_free(g_ctx);
    snprintf(p, sizeof p, "%s/p.sqlite", g_dir);
    unlink(p);
    rmdir(g_dir);
}

/* Build the fixture project and start the server; aborts when it cannot (a
 * fuzzer that tests nothing must not look green). */
static void start_server(void)
{
    char project[96];
    snprintf(g_dir, sizeof g_dir, "/tmp/px-fuzz-http-%d", (int)getpid());
    snprintf(project, sizeof project, "%s/p.sqlite", g_dir);
    mkdir(g_dir, 0700);
    unlink(project);
    px_store *store = NULL;
    px_layerdef *def = NULL;
    px_load_report *rep = NULL;
    size_t n = 0;
    if (px_ctx_new(&g_ctx) != PX_OK || px_store_create(g_ctx, project, "EPSG:2154", &store) != PX_OK ||
        px_layerdef_read(g_ctx, PX_SOURCE_DIR "/tests/cli/data/tiles-fixture.yaml", &def) != PX_OK ||
        px_load(g_ctx, store, def, NULL, &rep, &n) != PX_OK) {
        fprintf(stderr, "fuzz_http: cannot build the fixture project: %s\n", g_ctx ? px_ctx_errmsg(g_ctx) : "?");
        abort();
    }
    free(rep);
    px_layerdef_free(def);
    px_store_close(store);
    px_server_options o;
    px_server_options_default(&o);
    o.port = 0;
    o.threads = 2;
    o.timeout_s = 2;
    if (px_server_start(g_ctx, project, &o, &g_srv) != PX_OK) {
        fprintf(stderr, "fuzz_http: cannot start the server: %s\n", px_ctx_errmsg(g_ctx));
        abort();
    }
    atexit(stop_server);
}

static void send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t k = send(fd, c, n, MSG_NOSIGNAL);
        if (k <= 0) return;
        c += k, n -= (size_t)k;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_srv) start_server();
    if (!size) return 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    struct timeval tv = {.tv_usec = 500000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)px_server_port(g_srv))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return 0;
    }
    if (data[0] % 2 == 0) {
        static const char head[] = "GET ", tail[] = " HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n";
        send_all(fd, head, sizeof head - 1);
        send_all(fd, data + 1, size - 1);
        send_all(fd, tail, sizeof tail - 1);
    } else {
        send_all(fd, data + 1, size - 1);
    }
    shutdown(fd, SHUT_WR);
    /* Up to 0.5 s for the answer to start (a request the server cannot parse
     * waits for its idle timeout; a slow answer cut short is a client going
     * away, fair game too), then until the server closes or is quiet for 20 ms
     * (a raw HTTP/1.1 request keeps the connection alive). */
    char buf[65536];
    while (recv(fd, buf, sizeof buf, 0) > 0) {
        struct timeval quiet = {.tv_usec = 20000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof quiet);
    }
    close(fd);
    return 0;
}
