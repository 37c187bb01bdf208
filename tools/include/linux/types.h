/* SPDX-License-Identifier: GPL-2.0 */
/* Types: see shim/base.h. */
#include "../shim/base.h"
