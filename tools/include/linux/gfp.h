/* SPDX-License-Identifier: GPL-2.0 */
/* Flags are accepted and ignored, but for __GFP_ZERO (shim/shim.c). */
#ifndef _SHIM_LINUX_GFP_H
#define _SHIM_LINUX_GFP_H

#include "../shim/base.h"

#define GFP_KERNEL		0x01u
#define __GFP_ZERO		0x02u
#define __GFP_NOWARN		0x04u
#define __GFP_RETRY_MAYFAIL	0x08u

#endif
