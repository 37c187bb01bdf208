/* SPDX-License-Identifier: GPL-2.0 */
/* Nothing to create: the events are empty (linux/tracepoint.h). */
