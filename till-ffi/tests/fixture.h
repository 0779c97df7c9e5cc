/*
 * Reading the line-based fixture that vectors_to_fixture.py writes from the JSON vectors.
 * Decoded values live in an arena that is emptied before each line.
 */
#ifndef TILL_TEST_FIXTURE_H
#define TILL_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "till.h"

/* A decoded string: bytes and length, or null. `data` is also NUL-terminated. */
typedef struct {
  char *data;
  size_t len;
  bool null;
} fx_str;

/* A decoded list of strings, as an array ready to hand to Till, or null. */
typedef struct {
  till_str *items;
  size_t len;
  bool null;
} fx_list;

typedef struct {
  char *rest;
  bool error;
} fx_cursor;

void fx_reset(void);
fx_cursor fx_line(char *line);
const char *fx_word(fx_cursor *c);
fx_str fx_string(fx_cursor *c);
bool fx_int(fx_cursor *c, int64_t *out);
fx_list fx_strings(fx_cursor *c);
size_t fx_count(fx_cursor *c);
void *fx_alloc(size_t size);

#endif
