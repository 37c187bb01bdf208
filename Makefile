# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of atomic-arena; the modules themselves are listed in
# Kbuild. Common targets:
#
#   make [KDIR=...]     build every module against a kernel tree
#   make demo           boot a Debian kernel in QEMU and show the sample
#   make check          run the test suite in QEMU (KERNELS="6.1 6.12")
#   make install        modules_install + depmod for that kernel
#   make clean

KERNELRELEASE_HOST := $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE_HOST)/build
KERNELS ?= 6.1 6.12

.PHONY: all modules clean demo check install help

all: modules

modules:
	@test -f "$(KDIR)/Makefile" || { echo "No kernel build tree at $(KDIR): install linux-headers-$(KERNELRELEASE_HOST) or pass KDIR=/path/to/kernel/build" >&2; exit 1; }
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules

clean:
	@if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean; \
	else rm -rf *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers \
		samples/*.o samples/*.ko samples/*.mod samples/*.mod.c samples/.*.cmd \
		selftests/*.o selftests/*.ko selftests/*.mod selftests/*.mod.c selftests/.*.cmd; fi

install: modules
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules_install
	depmod -a "$$($(MAKE) -s -C "$(KDIR)" kernelrelease)"

demo:
	scripts/demo.sh

check:
	KERNELS="$(KERNELS)" scripts/check.sh

help:
	@sed -n '3,12s/^# \{0,1\}//p' Makefile
