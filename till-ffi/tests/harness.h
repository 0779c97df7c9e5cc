/*
 * A small test harness: named tests, checks that record failures without stopping, and a
 * record of every status Till returned, so that the run can tell which codes were reached.
 */
#ifndef TILL_TEST_HARNESS_H
#define TILL_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "till.h"

/* Statuses below this bound are recorded when seen. */
#define SEEN_BOUND 128

extern int tests_passed;
extern int tests_failed;

void test_begin(const char *name);
void test_end(void);
void test_fail(const char *file, int line, const char *what);
till_status test_seen(till_status status);
bool test_status_seen(till_status status);

#define CHECK(cond)                                                                        \
  do {                                                                                     \
    if (!(cond)) test_fail(__FILE__, __LINE__, #cond);                                     \
  } while (0)

/* Runs a call that returns a status, records it, and checks it against `want`. */
#define EXPECT(call, want)                                                                 \
  do {                                                                                     \
    till_status got_ = test_seen(call);                                                    \
    if (got_ != (till_status)(want)) {                                                     \
      char what_[512];                                                                     \
      snprintf(what_, sizeof what_, "%s: got %s (%u), want %s", #call,                     \
               till_status_code(got_), got_, till_status_code(want));                      \
      test_fail(__FILE__, __LINE__, what_);                                                \
    }                                                                                      \
  } while (0)

#define OK(call) EXPECT(call, TILL_OK)

/* Whether `len` bytes at `got` equal the NUL-terminated `want`. */
static inline bool text_is(const char *got, size_t len, const char *want) {
  return len == strlen(want) && memcmp(got, want, len) == 0;
}

#endif
