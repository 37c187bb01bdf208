/* SPDX-License-Identifier: GPL-2.0 */
/* min(), max(), clamp(): see shim/base.h. */
#include "../shim/base.h"
