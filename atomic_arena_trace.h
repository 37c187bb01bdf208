/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of atomic_arena: perf list, tracefs and bpftrace see them
 * as atomic_arena:<event>.
 *
 * Included by atomic_arena.c only, after struct atomic_arena is defined
 * (the events read the arena's private fields), and there once with
 * CREATE_TRACE_POINTS. A disabled event is a static branch: what its
 * fields cost (atomic_arena_len() is O(CPUs) in the per-CPU mode) is paid
 * only while it is enabled. The slow, failing and control paths have
 * events; the inline fast path of a successful allocation has none.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM atomic_arena

#if !defined(_ATOMIC_ARENA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ATOMIC_ARENA_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(atomic_arena_create,
	    TP_PROTO(const struct atomic_arena *arena),
	    TP_ARGS(arena),
	    TP_STRUCT__entry(__array(char, name, ATOMIC_ARENA_NAME_MAX + 1)
			     __field(size_t, elem_size)
			     __field(size_t, stride)
			     __field(unsigned long, cap)
			     __field(bool, percpu)),
	    TP_fast_assign(memcpy(__entry->name, arena->name,
				  sizeof(__entry->name));
			   __entry->elem_size = arena->elem_size;
			   __entry->stride = arena->h.stride;
			   __entry->cap = arena->h.cap;
			   __entry->percpu = !!arena->h.cpu;),
	    TP_printk("name=%s elem_size=%zu stride=%zu cap=%lu mode=%s",
		      __entry->name, __entry->elem_size, __entry->stride,
		      __entry->cap, __entry->percpu ? "percpu" : "ordered")
);

/* Destroy, reset and clear: the slots in use at that moment. */
DECLARE_EVENT_CLASS(atomic_arena_recycle,
		    TP_PROTO(const struct atomic_arena *arena),
		    TP_ARGS(arena),
		    TP_STRUCT__entry(__array(char, name,
					     ATOMIC_ARENA_NAME_MAX + 1)
				     __field(unsigned long, in_use)
				     __field(unsigned long, cap)),
		    TP_fast_assign(memcpy(__entry->name, arena->name,
					  sizeof(__entry->name));
				   __entry->in_use = atomic_arena_len(arena);
				   __entry->cap = arena->h.cap;),
		    TP_printk("name=%s in_use=%lu cap=%lu",
			      __entry->name, __entry->in_use, __entry->cap)
);

DEFINE_EVENT(atomic_arena_recycle, atomic_arena_destroy,
	     TP_PROTO(const struct atomic_arena *arena),
	     TP_ARGS(arena));

DEFINE_EVENT(atomic_arena_recycle, atomic_arena_reset,
	     TP_PROTO(const struct atomic_arena *arena),
	     TP_ARGS(arena));

DEFINE_EVENT(atomic_arena_recycle, atomic_arena_clear,
	     TP_PROTO(const struct atomic_arena *arena),
	     TP_ARGS(arena));

/*
 * A call that found no room: the slots it asked for, the slots in use
 * and the capacity then, and the call site, printed as a symbol.
 */
DECLARE_EVENT_CLASS(atomic_arena_fail,
		    TP_PROTO(const struct atomic_arena *arena,
			     unsigned long n, unsigned long call_site),
		    TP_ARGS(arena, n, call_site),
		    TP_STRUCT__entry(__array(char, name,
					     ATOMIC_ARENA_NAME_MAX + 1)
				     __field(unsigned long, n)
				     __field(unsigned long, len)
				     __field(unsigned long, cap)
				     __field(unsigned long, call_site)),
		    TP_fast_assign(memcpy(__entry->name, arena->name,
					  sizeof(__entry->name));
				   __entry->n = n;
				   __entry->len = atomic_arena_len(arena);
				   __entry->cap = arena->h.cap;
				   __entry->call_site = call_site;),
		    TP_printk("name=%s n=%lu len=%lu cap=%lu call_site=%pS",
			      __entry->name, __entry->n, __entry->len,
			      __entry->cap, (void *)__entry->call_site)
);

DEFINE_EVENT(atomic_arena_fail, atomic_arena_alloc_fail,
	     TP_PROTO(const struct atomic_arena *arena, unsigned long n,
		      unsigned long call_site),
	     TP_ARGS(arena, n, call_site));

DEFINE_EVENT(atomic_arena_fail, atomic_arena_append_fail,
	     TP_PROTO(const struct atomic_arena *arena, unsigned long n,
		      unsigned long call_site),
	     TP_ARGS(arena, n, call_site));

DEFINE_EVENT(atomic_arena_fail, atomic_arena_reserve_fail,
	     TP_PROTO(const struct atomic_arena *arena, unsigned long n,
		      unsigned long call_site),
	     TP_ARGS(arena, n, call_site));

#endif /* _ATOMIC_ARENA_TRACE_H */

/* An out-of-tree module: this file is in the module's own folder. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE atomic_arena_trace
#include <trace/define_trace.h>
