// SPDX-License-Identifier: GPL-2.0
/*
 * The arena's out-of-line memcpy() and memset(), as x86-64 kernels run
 * them on CPUs with fast short rep mov/stos (arch/x86/lib/memcpy_64.S and
 * memset_64.S pick rep movsb/stosb there): one string instruction, no
 * vector registers. Under the sanitizers they are the sanitizer's checked
 * versions instead, which see the accesses that inline asm would hide.
 * And memchr_inv(), which the test module's cases use.
 */
#include <stddef.h>
#include <string.h>

void *shim_memcpy(void *to, const void *from, size_t len);
void *shim_memset(void *s, int c, size_t len);
void *memchr_inv(const void *p, int c, size_t len);

/* lib/string.c's: the first byte of @len at @p that is not @c, or NULL. */
void *memchr_inv(const void *p, int c, size_t len)
{
	const unsigned char *b = p;

	for (; len; len--, b++)
		if (*b != (unsigned char)c)
			return (void *)b;
	return NULL;
}

#if defined(SHIM_ASAN) || defined(SHIM_TSAN)
void *shim_memcpy(void *to, const void *from, size_t len)
{
	return memcpy(to, from, len);
}

void *shim_memset(void *s, int c, size_t len)
{
	return memset(s, c, len);
}
#else
void *shim_memcpy(void *to, const void *from, size_t len)
{
	void *ret = to;

	asm volatile("rep movsb"
		     : "+D" (to), "+S" (from), "+c" (len)
		     : : "memory");
	return ret;
}

void *shim_memset(void *s, int c, size_t len)
{
	void *ret = s;

	asm volatile("rep stosb"
		     : "+D" (s), "+c" (len)
		     : "a" (c)
		     : "memory");
	return ret;
}
#endif
