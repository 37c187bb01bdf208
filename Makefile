# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of atomic-arena; the modules themselves are listed in
# Kbuild. Common targets:
#
#   make [KDIR=...]     build every module against a kernel tree
#   make demo           boot a Debian kernel in QEMU and show the sample
#   make check          make utest, then the test suite in QEMU, every kernel
#                       (KERNELS="6.1 6.12")
#   make utest          the native proving ground (tools/): atomic_arena.c in
#                       user space, natively, under TSan, ASan+UBSan, a fuzzer
#   make ubench         native benchmark: build/tools/ubench.{csv,png,txt}
#   make fuzz           the fuzzer for FUZZ_SECONDS (600)
#   make bench          benchmarks in QEMU: build/bench/bench.{csv,png}
#   make mutants        mutation testing: does the suite catch each fault of
#                       scripts/mutants.list? (MUTANTS="a b", MUTANT_KERNEL=6.1)
#   make soak           the hammer for SOAK_MINUTES (30) on SOAK_KERNELS (kcsan kasan)
#   make lint           checkpatch --strict, kernel-doc, sparse (6.12, 7.2,
#                       arm64-6.12, i386-6.1)
#   make docs           the API reference from the kernel-doc comments, with
#                       the kernel's scripts/kernel-doc: build/docs/man9/*.9
#   make install        modules_install + depmod for KDIR's kernel
#   make dkms-install   as root: install with DKMS (README: Installing with DKMS)
#   make dkms-uninstall as root: remove the DKMS install, leaving nothing
#   make clean

KERNELRELEASE_HOST := $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE_HOST)/build

.PHONY: all modules clean demo check bench mutants soak lint install dkms-install \
	dkms-uninstall help utest ubench fuzz docs

all: modules

modules:
	@test -f "$(KDIR)/Makefile" || { echo "No kernel build tree at $(KDIR): install linux-headers-$(KERNELRELEASE_HOST) or pass KDIR=/path/to/kernel/build" >&2; exit 1; }
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules

clean:
	@if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean; \
	else for d in . samples selftests bench; do \
		rm -f $$d/*.o $$d/*.ko $$d/*.mod $$d/*.mod.c $$d/.*.cmd $$d/modules.order; \
	done; rm -f Module.symvers; fi
	rm -rf build

# install [KERNELRELEASE=...] [INSTALL_MOD_PATH=...]: for KDIR's kernel, whose
# release is read from the tree (Debian's 6.1 headers' `make kernelrelease`
# is wrong: 6.1.<n>); KERNELRELEASE= alone uses /lib/modules/<it>/build.
ifneq ($(KERNELRELEASE),)
ifeq ($(origin KDIR),file)
install: KDIR = /lib/modules/$(KERNELRELEASE)/build
endif
endif
install_release = $(or $(KERNELRELEASE),$(shell sed -n \
	's/^.define UTS_RELEASE "\(.*\)"$$/\1/p' "$(KDIR)/include/generated/utsrelease.h"))

install: modules
	@test -n "$(install_release)" || { echo "Cannot tell the release of $(KDIR): pass KERNELRELEASE=" >&2; exit 1; }
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" KERNELRELEASE="$(install_release)" modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b "$(INSTALL_MOD_PATH)") "$(install_release)"

# dkms-install [KERNELRELEASE=...] [KDIR=...]: the running kernel by default.
dkms-install:
	scripts/dkms-install.sh install $(if $(KERNELRELEASE),-k "$(KERNELRELEASE)") \
		$(if $(filter-out file,$(origin KDIR)),--kernelsourcedir "$(KDIR)")

dkms-uninstall:
	scripts/dkms-install.sh uninstall

demo:
	scripts/demo.sh

check:
	$(if $(KERNELS),KERNELS="$(KERNELS)") scripts/check.sh

utest:
	tools/utest.sh build/tools

ubench fuzz:
	scripts/deps.sh clang llvm libclang-rt-14-dev gnuplot-nox
	$(MAKE) -C tools O=$(CURDIR)/build/tools $@

bench:
	$(if $(KERNELS),KERNELS="$(KERNELS)") scripts/bench.sh

# Their variables (MUTANTS, MUTANT_KERNEL, TEST_ATOMIC_ARENA_PARAMS,
# SOAK_MINUTES, SOAK_KERNELS, ...) reach the scripts from make's command line.
mutants:
	scripts/mutants.sh

soak:
	scripts/soak.sh

lint:
	scripts/lint.sh

docs:
	scripts/docs.sh

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile
