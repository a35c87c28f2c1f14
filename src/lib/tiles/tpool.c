/*
 * A minimal parallel-for over POSIX threads: items are handed out one at a
 * time from an atomic counter, so uneven work (dense city tiles next to empty
 * countryside) balances itself. The caller's thread takes part. Left out:
 * a persistent pool (threads are cheap next to a zoom's worth of tiles).
 */
#include "tiles_int.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct pf {
    size_t n;
    atomic_size_t next;
    void (*fn)(void *, size_t, int);
    void *user;
} pf;

typedef struct pf_arg {
    pf *p;
    int thread;
} pf_arg;

static void *pf_run(void *arg)
{
    pf_arg *a = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&a->p->next, 1);
        if (i >= a->p->n) break;
        a->p->fn(a->p->user, i, a->thread);
    }
    return NULL;
}

void px__parallel_for(size_t n, int threads, void (*fn)(void *user, size_t i, int thread), void *user)
{
    pf p = {.n = n, .fn = fn, .user = user};
    atomic_init(&p.next, 0);
    if (threads < 1) threads = 1;
    if (threads > 16) threads = 16;
    if ((size_t)threads > n) threads = n ? (int)n : 1;
    pthread_t th[16];
    pf_arg args[16];
    int started = 0;
    for (int t = 1; t < threads; t++) {
        args[t] = (pf_arg){&p, t};
        if (pthread_create(&th[t], NULL, pf_run, &args[t]) != 0) break;
        started = t;
    }
    args[0] = (pf_arg){&p, 0};
    pf_run(&args[0]); /* the caller works too, and alone if no thread started */
    for (int t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
}
