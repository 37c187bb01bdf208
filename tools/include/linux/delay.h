/* SPDX-License-Identifier: GPL-2.0 */
/* Included by the test module's cases; none of those run natively uses it. */
#include "../shim/base.h"
