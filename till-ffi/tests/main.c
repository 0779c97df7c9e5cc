/*
 * The C tests of Till's C interface. Usage: till_tests FIXTURE, where FIXTURE is the file
 * that vectors_to_fixture.py writes from the test vectors. Prints "N passed, M failed" and
 * exits non-zero on any failure.
 */
#include <stdio.h>

#include "harness.h"
#include "tests.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FIXTURE\n", argv[0]);
    return 2;
  }
  test_vectors(argv[1]);
  test_statuses();
  test_inputs();
  test_buffers();
  test_lifecycle();
  test_revocation();
  test_threads();
  /* Last: it checks which statuses all the tests above reached. */
  test_status_coverage();

  printf("%d passed, %d failed\n", tests_passed, tests_failed);
  return tests_failed == 0 ? 0 : 1;
}
