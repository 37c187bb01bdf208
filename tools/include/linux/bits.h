/* SPDX-License-Identifier: GPL-2.0 */
/* BIT(): see shim/base.h. */
#include "../shim/base.h"
