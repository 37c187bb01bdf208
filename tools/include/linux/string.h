/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memcpy() and memset() are the kernel's: the compiler inlines those of a
 * constant size, as in the kernel, and calls the others, which the asm
 * labels send to shim_memcpy()/shim_memset() (tools/shim/string.c): rep
 * movsb and rep stosb, what x86-64 kernels run on CPUs with fast short rep
 * mov/stos (FSRM/FSRS), instead of glibc's vector code.
 */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include "../shim/base.h"

void *memcpy(void *to, const void *from, size_t len) __asm__("shim_memcpy");
void *memset(void *s, int c, size_t len) __asm__("shim_memset");
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
char *strchr(const char *s, int c);
int strcmp(const char *a, const char *b);
int memcmp(const void *a, const void *b, size_t len);
char *strsep(char **s, const char *delim);
/* The first byte of @len at @p that is not @c, or NULL. */
void *memchr_inv(const void *p, int c, size_t len);
ssize_t strscpy(char *dst, const char *src, size_t count);

#endif
