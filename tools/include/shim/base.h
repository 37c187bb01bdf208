/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel basics that every shim header needs: types, compiler
 * attributes, min/max, errno values, IS_ENABLED() and printk.
 *
 * The arena object is built with the kernel's code-generation flags
 * (tools/Makefile), so nothing here may pull in a libc header that uses
 * floating point: only the freestanding ones.
 */
#ifndef _SHIM_BASE_H
#define _SHIM_BASE_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef unsigned int gfp_t;
typedef unsigned short umode_t;

/* The kernel's configuration, as x86-64 has it where it matters. */
#define CONFIG_SMP 1
#define CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG 1
#define CONFIG_FAULT_INJECTION_DEBUG_FS 1

/* IS_ENABLED(), as include/linux/kconfig.h spells it. */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define IS_ENABLED(option) __is_defined(option)

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define noinline	__attribute__((__noinline__))
#undef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#define __maybe_unused	__attribute__((__unused__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
/*
 * Functions that the kernel's sanitizers leave alone: here the same
 * sanitizers, ThreadSanitizer for KCSAN and AddressSanitizer for KASAN.
 */
#define __no_kcsan		__attribute__((no_sanitize("thread")))
#define __no_sanitize_address	__attribute__((no_sanitize("address")))
#define __init
#define __exit
#define __percpu
#define __user

#define BIT(nr)			(1UL << (nr))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define IS_ALIGNED(x, a)	(((x) & ((typeof(x))(a) - 1)) == 0)
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define min(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define S64_MAX			INT64_MAX
#define min_t(t, a, b)	({ t _a = (a); t _b = (b); _a < _b ? _a : _b; })
#define max_t(t, a, b)	({ t _a = (a); t _b = (b); _a > _b ? _a : _b; })

/*
 * READ_ONCE()/WRITE_ONCE(): relaxed atomics. The same single mov on
 * x86-64, and ThreadSanitizer treats them as marked accesses, as KCSAN
 * treats the kernel's.
 */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/*
 * data_race(): an intended race, which KCSAN ignores. ThreadSanitizer is
 * told to ignore the reads in it the same way; elsewhere it is the
 * expression.
 */
#ifdef SHIM_TSAN
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
#define data_race(expr) ({					\
	AnnotateIgnoreReadsBegin(__FILE__, __LINE__);		\
	__auto_type __v = (expr);				\
	AnnotateIgnoreReadsEnd(__FILE__, __LINE__);		\
	__v; })
#else
#define data_race(expr) ({ __auto_type __v = (expr); __v; })
#endif

/* printk: into the shim's log (tools/shim/shim.c), which tests read. */
#define KERN_ERR	"<3>"
#define KERN_INFO	"<6>"
void shim_printk(const char *fmt, ...) __printf(1, 2);
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_err(fmt, ...)	shim_printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	shim_printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)

/* A kernel BUG is a test failure: abort with the place. */
void shim_bug(const char *file, int line, const char *what)
	__attribute__((__noreturn__));
#define BUG_ON(cond) \
	do { if (unlikely(cond)) shim_bug(__FILE__, __LINE__, #cond); } while (0)

#endif /* _SHIM_BASE_H */
