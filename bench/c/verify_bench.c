/*
 * The cost of till_verifier_verify_at through Till's C interface, timed the way the Rust
 * report times verify: each round times one batch of every variant in turn, and the median
 * round is printed, in nanoseconds per call.
 *
 *   verify_bench ROOT_KEY_TEXT KEY SCOPE NOW [ROUNDS]
 *
 * run.sh passes the reference case of test-vectors/keys.json: its root key, key, requested
 * scope and time, with the default verifier settings that case states (prefix till,
 * environment live, no audience, no leeway, nothing revoked).
 */

#define _POSIX_C_SOURCE 199309L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "till.h"

/* Time one batch of a variant should take. */
#define BATCH_NS 4e6

enum { VARIANTS = 2, MAX_ROUNDS = 1001 };

struct setup {
    const till_verifier *verifier;
    const till_request *request;
    const char *key;
    size_t key_len;
    int64_t now;
};

static double clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Verifies without asking for the grant: the work the Rust figure measures. */
static till_status verify_only(const struct setup *s)
{
    return till_verifier_verify_at(s->verifier, s->key, s->key_len, s->request, s->now, NULL,
                                   NULL);
}

/* Verifies, takes the grant and frees it, as a C caller that reads the grant would. */
static till_status verify_and_free(const struct setup *s)
{
    till_grant *grant = NULL;
    till_status status = till_verifier_verify_at(s->verifier, s->key, s->key_len, s->request,
                                                 s->now, &grant, NULL);
    till_grant_free(grant);
    return status;
}

typedef till_status (*variant_fn)(const struct setup *);

static const struct {
    const char *name;
    variant_fn run;
} variants[VARIANTS] = {
    { "c_reference_ns", verify_only },
    { "c_reference_with_grant_ns", verify_and_free },
};

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Calls that fill one batch, found by running the variant for a while first. */
static long calibrate(variant_fn run, const struct setup *s)
{
    long calls = 0;
    double start = clock_ns(), elapsed;
    do {
        run(s);
        calls++;
        elapsed = clock_ns() - start;
    } while (elapsed < 25 * BATCH_NS);
    long batch = (long)(BATCH_NS / (elapsed / (double)calls));
    return batch > 0 ? batch : 1;
}

static int fail(const char *what, till_status status)
{
    fprintf(stderr, "verify_bench: %s: %s\n", what, till_status_code(status));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: verify_bench ROOT_KEY_TEXT KEY SCOPE NOW [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 5 ? atoi(argv[5]) : 61;
    if (rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "verify_bench: ROUNDS is 1 to %d\n", MAX_ROUNDS);
        return 2;
    }

    till_root_key *root = NULL;
    till_keyring *keyring = NULL;
    till_verifier_builder *builder = NULL;
    till_verifier *verifier = NULL;
    till_request *request = NULL;
    till_status status = till_root_key_from_text(argv[1], strlen(argv[1]), &root);
    if (status != TILL_OK)
        return fail("root key", status);
    status = till_keyring_new((const till_root_key *const *)&root, 1, &keyring);
    if (status != TILL_OK)
        return fail("keyring", status);
    status = till_verifier_builder_new(keyring, &builder);
    if (status == TILL_OK)
        status = till_verifier_builder_build(builder, &verifier);
    if (status != TILL_OK)
        return fail("verifier", status);
    status = till_request_scope(argv[3], strlen(argv[3]), &request);
    if (status != TILL_OK)
        return fail("request", status);

    struct setup s = { verifier, request, argv[2], strlen(argv[2]), strtoll(argv[4], NULL, 10) };
    long batches[VARIANTS];
    for (int v = 0; v < VARIANTS; v++) {
        status = variants[v].run(&s);
        if (status != TILL_OK)
            return fail("the key is refused", status);
        batches[v] = calibrate(variants[v].run, &s);
    }

    static double samples[VARIANTS][MAX_ROUNDS];
    for (int r = 0; r < rounds; r++) {
        for (int v = 0; v < VARIANTS; v++) {
            double start = clock_ns();
            for (long i = 0; i < batches[v]; i++)
                variants[v].run(&s);
            samples[v][r] = (clock_ns() - start) / (double)batches[v];
        }
    }
    for (int v = 0; v < VARIANTS; v++) {
        qsort(samples[v], (size_t)rounds, sizeof(double), by_value);
        printf("%s %.1f\n", variants[v].name, samples[v][rounds / 2]);
    }

    till_request_free(request);
    till_verifier_free(verifier);
    till_verifier_builder_free(builder);
    till_keyring_free(keyring);
    till_root_key_free(root);
    return 0;
}
