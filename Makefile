# SPDX-License-Identifier: GPL-2.0-only
#
# Makefile - build the acme drivers as external modules
#
# Builds drivers/char/acme/ (acme_core, acme, hello) against an installed
# kernel's build or headers directory, from the same sources and the same
# drivers/char/acme/Makefile as the in-tree build. The KUnit suite is not
# built. `make help` lists the targets and variables.
#
# KERNELRELEASE is set only when kbuild reads this file: do not pass it on
# the command line (dkms.conf quotes 'make' so that DKMS does not).
#

ifneq ($(KERNELRELEASE),)
# kbuild part: one external module directory, so that modpost resolves the
# symbols acme imports from acme_core through its Module.symvers.

# In external module builds kbuild sets $(src) to the absolute path of this
# directory, on 6.1 and on 6.12 alike; $(srctree)/$(src), the in-tree form
# before 6.10, would point into KDIR's source tree instead.
subdir-ccflags-y += -I$(src)/include/uapi

# The sources target Linux 6.12. Before 6.5 the kernel has
# generic_file_splice_read() where later kernels have copy_splice_read(),
# with the same prototype: in tree, the 6.1 variant of patch 0005
# (series-6.1, patches/6.1/) makes that one change; out of tree, for a
# distribution's 6.1 kernel, the preprocessor makes it, so that the same
# sources build for both. The define reaches every object of the
# directory; only acme.c names either function.
acme-pre-6.5 := $(shell [ $(VERSION) -lt 6 ] || \
		  { [ $(VERSION) -eq 6 ] && [ $(PATCHLEVEL) -lt 5 ]; } && echo y)
subdir-ccflags-$(acme-pre-6.5) += -Dcopy_splice_read=generic_file_splice_read

obj-m += drivers/char/acme/

else
# outer part: call kbuild in KDIR with this directory as M=.

KDIR ?= /lib/modules/$(shell uname -r)/build

# The Kconfig choices the in-tree Makefile reads, fixed on the command line
# (which overrides KDIR's configuration): the three modules, no KUnit.
ACME_CONFIG := CONFIG_ACME_CORE=m CONFIG_ACME=m CONFIG_ACME_HELLO=m \
	       CONFIG_ACME_KUNIT_TEST=

modules:

.PHONY: modules clean modules_install kernelrelease help

# Every goal but clean and help needs a configured kernel build or headers
# directory: say so in one line, before kbuild is called.
ifneq ($(filter-out clean help,$(or $(MAKECMDGOALS),modules)),)
ifeq ($(wildcard $(KDIR)/Makefile),)
$(error acme: error: KDIR=$(KDIR) is not a kernel build directory (no Makefile there); install linux-headers-$(shell uname -r) or pass KDIR=/path/to/build)
endif
ifeq ($(wildcard $(KDIR)/.config),)
$(error acme: error: KDIR=$(KDIR) is not a kernel build directory (no .config: a source tree, not a configured build?); install linux-headers-$(shell uname -r) or pass KDIR=/path/to/build)
endif
endif

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(ACME_CONFIG) $@

# A headers directory has no System.map, so kbuild skips depmod there: run
# it here, for KDIR's release (UTS_RELEASE, what uname -r reports; a
# distribution's kernel.release may differ), so that modprobe finds them.
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
		$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

need-krelease = $(if $(KRELEASE),,$(error acme: error: KDIR=$(KDIR) has no UTS_RELEASE in include/generated/utsrelease.h; pass KDIR= a built kernel or a headers directory))

kernelrelease:
	$(need-krelease)
	@echo '$(KRELEASE)'

modules_install:
	$(need-krelease)
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(ACME_CONFIG) $@
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)

# What kbuild writes for an external module, removed without KDIR, so that
# a clean works for any kernel, or none (dkms add copies this directory).
clean:
	@echo '  CLEAN   drivers/char/acme'
	@find drivers/char/acme \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '.*.d' \
		-o -name '*.order' -o -name '*.symvers' -o -name '*.dwo' \
		-o -name '*.su' -o -name '*.gcno' -o -name '.*.tmp' \) -type f -delete
	@rm -f Module.symvers modules.order .*.cmd .module-common.o
	@rm -rf .tmp_versions

help:
	@echo 'Build the acme drivers (acme_core, acme, hello) as external modules.'
	@echo ''
	@echo 'Targets:'
	@echo '  modules          build acme_core.ko, acme.ko and hello.ko (default)'
	@echo '                   in drivers/char/acme/'
	@echo '  modules_install  install them into INSTALL_MOD_PATH/lib/modules/<release>/'
	@echo '                   INSTALL_MOD_DIR/drivers/char/acme/ and run depmod'
	@echo '                   (sign-file SSL errors with distribution headers are'
	@echo '                   harmless: the modules are installed unsigned)'
	@echo '  kernelrelease    print the release modules_install installs for'
	@echo '  clean            remove the build products (needs no KDIR)'
	@echo '  help             show this help'
	@echo ''
	@echo 'Variables:'
	@echo '  KDIR=DIR              kernel build or headers directory'
	@echo '                        (default /lib/modules/$$(uname -r)/build)'
	@echo '  INSTALL_MOD_PATH=DIR  prefix for modules_install (default: /)'
	@echo '  INSTALL_MOD_DIR=DIR   subdirectory of lib/modules/<release>/ (default:'
	@echo '                        extra with Linux 6.1 kbuild, updates later)'
	@echo ''
	@echo 'Example: make KDIR=/usr/src/linux-headers-$$(uname -r)'

endif
