// A small fork-join pool whose idle workers spin briefly before they sleep (see include/ckernels.h, bv_pool_run).
//
// Why: on the 2-vCPU VM a libdispatch worker that went idle takes about 50 µs to start the next
// DispatchQueue.concurrentPerform iteration (measured: two 100 µs halves take 152 µs, two 20 µs halves 65 µs),
// and a decode step makes hundreds of short parallel calls (a code-predictor frame about 400, 100–300 µs each).
// Workers here spin for up to BV_POOL_SPIN_NS after each job, so the next call starts at once; then they sleep on a
// condition variable and cost nothing. Past BV_POOL_YIELD_AFTER_NS of waiting, a spinning thread (worker, or caller
// waiting for a worker's chunk) calls sched_yield between checks: a no-op on an idle core, but when a book render
// decodes on another thread at the same time, that thread gets the core (one back-to-back pair each on the 2-core VM:
// book pipeline 1.7B 1.03 → 0.96 s per s of audio, 0.6B 0.68 → 0.63; a lone batch-1 frame within noise, 155 → 162 ms
// as medians of three).
//
// Protocol: one job at a time (a caller that finds the pool busy gets −1 and runs its work elsewhere). The job's
// chunks are claimed through one 64-bit word: generation (24 bits) | chunk count (20) | next chunk (20). A worker
// claims chunk i of generation g with a compare-and-swap, so it can never take a chunk of a later job; the caller
// writes fn / ctx before publishing the word and returns only when every chunk of its job is done, so a claimed
// chunk always reads its own job's fn / ctx.
#include "ckernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sched.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define BV_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define BV_PAUSE() __asm__ __volatile__("yield")
#else
#define BV_PAUSE() ((void)0)
#endif

#define BV_POOL_SPIN_NS 200000LL
#define BV_POOL_YIELD_AFTER_NS 20000LL
#define BV_FIELD_BITS 20
#define BV_FIELD_MASK ((1ULL << BV_FIELD_BITS) - 1)
#define BV_MAX_WORKERS 64

static pthread_mutex_t bv_pool_lock = PTHREAD_MUTEX_INITIALIZER;  // one job at a time
static pthread_mutex_t bv_sleep_lock = PTHREAD_MUTEX_INITIALIZER; // sleeping workers
static pthread_cond_t bv_wake = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t bv_start_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int bv_workers = -1; // -1: not started (read without the start lock)

static _Atomic uint64_t bv_word = 0;  // generation | chunks | next
static _Atomic long bv_done = 0;      // chunks of the current job finished
static _Atomic int bv_sleepers = 0;
static bv_pool_task bv_fn = 0;
static void *bv_ctx = 0;

static inline uint64_t bv_generation(uint64_t w) { return w >> (2 * BV_FIELD_BITS); }

static long long bv_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/// Runs chunks of the job published in `w` until none is left.
static void bv_work(uint64_t w) {
    const uint64_t gen = bv_generation(w);
    for (;;) {
        uint64_t cur = atomic_load_explicit(&bv_word, memory_order_acquire);
        if (bv_generation(cur) != gen) return;
        const uint64_t chunks = (cur >> BV_FIELD_BITS) & BV_FIELD_MASK, next = cur & BV_FIELD_MASK;
        if (next >= chunks) return;
        if (!atomic_compare_exchange_weak_explicit(&bv_word, &cur, cur + 1, memory_order_acq_rel, memory_order_acquire)) continue;
        bv_fn(bv_ctx, (ptrdiff_t)next);
        atomic_fetch_add_explicit(&bv_done, 1, memory_order_acq_rel);
    }
}

static void *bv_worker_main(void *arg) {
    (void)arg;
    uint64_t seen = bv_generation(atomic_load(&bv_word));
    for (;;) {
        // Spin for a new job, then sleep until one is published.
        long long start = bv_now_ns();
        uint64_t w = atomic_load(&bv_word);
        int spins = 0;
        while (bv_generation(w) == seen) {
            BV_PAUSE();
            if (++spins == 64) {
                spins = 0;
                long long waited = bv_now_ns() - start;
                if (waited > BV_POOL_SPIN_NS) break;
                if (waited > BV_POOL_YIELD_AFTER_NS) sched_yield();
            }
            w = atomic_load(&bv_word);
        }
        if (bv_generation(w) == seen) {
            pthread_mutex_lock(&bv_sleep_lock);
            atomic_fetch_add(&bv_sleepers, 1);
            while (bv_generation(w = atomic_load(&bv_word)) == seen) pthread_cond_wait(&bv_wake, &bv_sleep_lock);
            atomic_fetch_sub(&bv_sleepers, 1);
            pthread_mutex_unlock(&bv_sleep_lock);
        }
        seen = bv_generation(w);
        bv_work(w);
    }
    return 0;
}

static int bv_pool_start(int workers) {
    pthread_mutex_lock(&bv_start_lock);
    if (bv_workers < 0) {
        int started = 0;
        if (workers > BV_MAX_WORKERS) workers = BV_MAX_WORKERS;
        for (int i = 0; i < workers; i++) {
            pthread_t t;
            pthread_attr_t attr;
            pthread_attr_init(&attr);
            pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
            if (pthread_create(&t, &attr, bv_worker_main, 0) == 0) started++;
            pthread_attr_destroy(&attr);
        }
        bv_workers = started;
    }
    int n = bv_workers;
    pthread_mutex_unlock(&bv_start_lock);
    return n;
}

int bv_pool_run(ptrdiff_t chunks, int workers, bv_pool_task fn, void *ctx) {
    if (chunks < 1 || (uint64_t)chunks > BV_FIELD_MASK || workers < 1) return -1;
    int available = atomic_load(&bv_workers);
    if (available < 0) available = bv_pool_start(workers);
    if (available < 1 || chunks > (ptrdiff_t)available + 1) return -1;
    if (pthread_mutex_trylock(&bv_pool_lock) != 0) return -1; // another job is running (or a nested call)
    bv_fn = fn;
    bv_ctx = ctx;
    atomic_store(&bv_done, 0);
    uint64_t gen = (bv_generation(atomic_load(&bv_word)) + 1) & ((1ULL << (64 - 2 * BV_FIELD_BITS)) - 1);
    uint64_t w = (gen << (2 * BV_FIELD_BITS)) | ((uint64_t)chunks << BV_FIELD_BITS);
    atomic_store(&bv_word, w); // publishes fn / ctx with it (sequentially consistent)
    if (atomic_load(&bv_sleepers) > 0) {
        pthread_mutex_lock(&bv_sleep_lock);
        pthread_cond_broadcast(&bv_wake);
        pthread_mutex_unlock(&bv_sleep_lock);
    }
    bv_work(w);
    long long start = 0;
    int spins = 0;
    while (atomic_load_explicit(&bv_done, memory_order_acquire) < chunks) {
        BV_PAUSE();
        if (++spins == 64) {
            spins = 0;
            if (start == 0) start = bv_now_ns();
            else if (bv_now_ns() - start > BV_POOL_YIELD_AFTER_NS) sched_yield();
        }
    }
    pthread_mutex_unlock(&bv_pool_lock);
    return 0;
}
