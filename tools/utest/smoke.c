#include <linux/err.h>
#include "../../atomic_arena.h"
#include "utest.h"
static void t(void) {
	struct atomic_arena *a = atomic_arena_create("x", 16, 8, 4);
	char *out;
	CHECK(!IS_ERR(a));
	CHECK(atomic_arena_alloc(a, "0123456789abcdef"));
	CHECK_EQ(shim_debugfs_read("atomic_arena/x/stats", 7, &out), 0);
	printf("%s", out); free(out);
	atomic_arena_destroy(a);
}
int main(void) { static const struct utest_case c[] = { UTEST_CASE(t) }; shim_module_init(); shim_set_cpu(3); return utest_run("smoke", c, 1) != 0; }
