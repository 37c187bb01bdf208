/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events as a kernel without CONFIG_TRACEPOINTS has them: each
 * trace_<event>() is an empty inline function, whose arguments are not
 * evaluated at run time, and trace_<event>_enabled() is false.
 */
#ifndef _SHIM_LINUX_TRACEPOINT_H
#define _SHIM_LINUX_TRACEPOINT_H

#include "../shim/base.h"

#define TP_PROTO(args...)	args
#define TP_ARGS(args...)	args

#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define DEFINE_EVENT(template, name, proto, args)			\
	static inline void trace_##name(proto)				\
	{								\
	}								\
	static inline bool trace_##name##_enabled(void)			\
	{								\
		return false;						\
	}
#define TRACE_EVENT(name, proto, args, tstruct, assign, print)		\
	DEFINE_EVENT(name, name, PARAMS(proto), PARAMS(args))
#define PARAMS(args...)		args

#endif
