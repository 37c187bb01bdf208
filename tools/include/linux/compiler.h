/* SPDX-License-Identifier: GPL-2.0 */
/* Compiler attributes and READ_ONCE()/WRITE_ONCE(): see shim/base.h. */
#include "../shim/base.h"
