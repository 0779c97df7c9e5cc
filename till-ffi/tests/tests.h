/* The groups of tests that main.c runs. */
#ifndef TILL_TESTS_H
#define TILL_TESTS_H

void test_vectors(const char *fixture_path);
void test_statuses(void);
void test_inputs(void);
void test_buffers(void);
void test_lifecycle(void);
void test_revocation(void);
void test_threads(void);
void test_status_coverage(void);

#endif
