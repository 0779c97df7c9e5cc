#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Large enough for any line of the vectors; a line that needs more marks its cursor. */
static _Alignas(16) unsigned char arena[1 << 20];
static size_t arena_used;

void fx_reset(void) { arena_used = 0; }

void *fx_alloc(size_t size) {
  size_t aligned = (size + 15) & ~(size_t)15;
  if (aligned > sizeof arena - arena_used) return NULL;
  void *p = arena + arena_used;
  arena_used += aligned;
  return p;
}

fx_cursor fx_line(char *line) {
  fx_reset();
  fx_cursor c = {line, false};
  return c;
}

/* The next space-separated token, NUL-terminated in place, or NULL at the end. */
static char *token(fx_cursor *c) {
  if (c->rest == NULL || *c->rest == '\0' || *c->rest == '\n') {
    c->error = true;
    return NULL;
  }
  char *start = c->rest;
  char *end = start + strcspn(start, " \n");
  if (*end != '\0') {
    *end = '\0';
    c->rest = end + 1;
  } else {
    c->rest = end;
  }
  return start;
}

const char *fx_word(fx_cursor *c) {
  const char *t = token(c);
  return t ? t : "";
}

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  return -1;
}

fx_str fx_string(fx_cursor *c) {
  fx_str out = {NULL, 0, true};
  const char *t = token(c);
  if (t == NULL || strcmp(t, "-") == 0) return out;
  size_t digits = strlen(t + 1);
  if (t[0] != 'x' || digits % 2 != 0) {
    c->error = true;
    return out;
  }
  out.len = digits / 2;
  out.data = fx_alloc(out.len + 1);
  if (out.data == NULL) {
    c->error = true;
    return out;
  }
  for (size_t i = 0; i < out.len; i++) {
    int hi = hex_digit(t[1 + 2 * i]), lo = hex_digit(t[2 + 2 * i]);
    if (hi < 0 || lo < 0) c->error = true;
    out.data[i] = (char)(hi * 16 + lo);
  }
  out.data[out.len] = '\0';
  out.null = false;
  return out;
}

bool fx_int(fx_cursor *c, int64_t *out) {
  const char *t = token(c);
  if (t == NULL || strcmp(t, "-") == 0) return false;
  char *end = NULL;
  if (t[0] != 'i') {
    c->error = true;
    return false;
  }
  *out = strtoll(t + 1, &end, 10);
  if (end == t + 1 || *end != '\0') c->error = true;
  return true;
}

size_t fx_count(fx_cursor *c) {
  const char *t = token(c);
  if (t == NULL || t[0] != 'L') {
    c->error = true;
    return 0;
  }
  return (size_t)strtoul(t + 1, NULL, 10);
}

fx_list fx_strings(fx_cursor *c) {
  fx_list out = {NULL, 0, true};
  if (c->rest != NULL && c->rest[0] == '-' && strchr(" \n", c->rest[1]) != NULL) {
    token(c);
    return out;
  }
  out.len = fx_count(c);
  out.items = fx_alloc(sizeof(till_str) * (out.len ? out.len : 1));
  if (out.items == NULL) {
    c->error = true;
    out.len = 0;
    return out;
  }
  for (size_t i = 0; i < out.len; i++) {
    fx_str s = fx_string(c);
    out.items[i].data = s.data;
    out.items[i].len = s.len;
  }
  out.null = false;
  return out;
}
