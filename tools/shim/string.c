// SPDX-License-Identifier: GPL-2.0
/*
 * The arena's out-of-line memcpy() and memset(), as x86-64 kernels run
 * them on CPUs with fast short rep mov/stos (arch/x86/lib/memcpy_64.S and
 * memset_64.S pick rep movsb/stosb there): one string instruction, no
 * vector registers. Under the sanitizers they are the sanitizer's checked
 * versions instead, which see the accesses that inline asm would hide.
 */
#include <stddef.h>
#include <string.h>

void *shim_memcpy(void *to, const void *from, size_t len);
void *shim_memset(void *s, int c, size_t len);

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
