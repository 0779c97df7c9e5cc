#include "harness.h"

#include <stdatomic.h>

int tests_passed;
int tests_failed;

static const char *current;
static atomic_int current_failures;
static atomic_bool seen[SEEN_BOUND];

void test_begin(const char *name) {
  current = name;
  atomic_store(&current_failures, 0);
}

void test_end(void) {
  if (atomic_load(&current_failures) == 0) {
    tests_passed++;
  } else {
    tests_failed++;
  }
  current = NULL;
}

void test_fail(const char *file, int line, const char *what) {
  atomic_fetch_add(&current_failures, 1);
  fprintf(stderr, "FAIL %s (%s:%d): %s\n", current ? current : "(outside a test)", file, line,
          what);
  if (current == NULL) tests_failed++;
}

till_status test_seen(till_status status) {
  if (status < SEEN_BOUND) atomic_store(&seen[status], true);
  return status;
}

bool test_status_seen(till_status status) {
  return status < SEEN_BOUND && atomic_load(&seen[status]);
}
