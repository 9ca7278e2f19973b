#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-distro.sh - the acme modules, built out of tree, on Debian's
# stock kernel
#
# usage: scripts/lib/check-distro.sh [--release KREL] [--timeout SECS] [--dkms]
#
# Builds acme_core, acme and hello with the top Makefile (external modules)
# against the headers of Debian's stock kernel, boots that very kernel
# (Debian's own vmlinuz) in QEMU with the busybox test initramfs and runs
# the guest checks and the kselftest on it, as scripts/test does for the
# harness's own kernels:
#
#   1. the release KREL: the one Debian's linux-headers-amd64 depends on
#      (e.g. 6.1.0-56-amd64), or --release KREL; linux-headers-KREL is
#      installed when missing (as root; otherwise the apt-get line to run)
#   2. Debian's vmlinuz-KREL: `apt-get download linux-image-KREL`, and only
#      the kernel and its modules.builtin* extracted, never installed; kept
#      in $ACME_CACHE/distro/KREL/ and downloaded once
#   3. the modules, in a scratch copy of the repository
#      ($ACME_CACHE/distro/KREL/work, remade each run): the build must print
#      no warning and every vermagic must be KREL's; then
#      `make modules_install` into a staging dir, whose modules.dep must
#      say that acme needs acme_core (the guest gets the modules from there)
#   4. the kselftest, static (the series applied to a 6.1 or 6.12 tree,
#      matching KREL; uapi headers only, no kernel build)
#   5. the initramfs (scripts/lib/mkinitramfs.sh --release), the modules in
#      /lib/modules/KREL/extra/
#   6. the boot, running /acme/checks.sh (mode m; acmeguest.edu=none: no
#      acme_edu out of tree, so its checks skip)
#
# With --dkms, scripts/lib/check-dkms.sh runs for KREL after step 3 (root only; its
# KTAP goes to stderr); when it fails, check-distro stops there.
#
# The guest's console (KTAP: one "ok"/"not ok" line per check and per
# kselftest case, then "# N passed, N failed, N skipped") is streamed on
# stdout and kept in $ACME_CACHE/distro/KREL/console.log; progress goes to
# stderr. Exit status: the guest checks' (0 when all passed, 1 when one
# failed); 124 when the boot timed out, 125 when the guest ended without a
# report (e.g. a panic); 1 on an error before the boot ("acme: error: ..."
# on stderr).
#
# Options:
#   --release KREL  the kernel release to use instead of the stock one
#   --timeout SECS  boot timeout (default 600)
#   --dkms          also run scripts/lib/check-dkms.sh (root only)
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KREL=""
TIMEOUT=600
DKMS=0
DIR=""
HEADERS=""
TREE=""
KSBUILD=""
STAGED=""

parse_args() {
	opts_parse --release=KREL --timeout=TIMEOUT --dkms!DKMS -- "$@"
	opts_none
	[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "--timeout must be a positive number of seconds"
}

# step WHAT CMD... - run one step in this shell; log its name and its time.
step() {
	local what="$1" t0
	shift
	t0="$(now)"
	log "$what"
	"$@"
	log "$what: done in $(elapsed_since "$t0") s"
}

find_release() {
	[[ -n "$KREL" ]] || KREL="$(stock_release)"
	[[ "$KREL" =~ ^[0-9][[:alnum:]._+~-]*$ ]] ||
		die "'$KREL' does not look like a kernel release"
	HEADERS="$(stock_headers "$KREL")"
	DIR="$ACME_CACHE/distro/$KREL"
	mkdir -p -- "$DIR"
	log "kernel $KREL, headers $HEADERS"
}

# download_kernel TMP - linux-image-KREL's vmlinuz and modules.builtin*,
# extracted to TMP/x.
download_kernel() {
	local tmp="$1" deb
	(cd "$tmp" && apt-get download "linux-image-$KREL") >"$tmp/download.log" 2>&1 || {
		cat "$tmp/download.log" >&2
		die "cannot download linux-image-$KREL (no network, or apt does not know the package: run apt-get update)"
	}
	deb="$(find "$tmp" -maxdepth 1 -name "linux-image-${KREL}_*.deb" -print -quit)"
	[[ -n "$deb" ]] || die "apt-get download left no linux-image-${KREL}_*.deb"
	mkdir -p -- "$tmp/x"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" "./boot/vmlinuz-$KREL" \
		"./lib/modules/$KREL/modules.builtin" "./lib/modules/$KREL/modules.builtin.modinfo" ||
		die "$(basename "$deb") has no ./boot/vmlinuz-$KREL or modules.builtin*"
}

# stock_kernel - DIR/vmlinuz-KREL (written last: it marks the cache
# complete) and DIR/modules.builtin*.
stock_kernel() {
	local tmp f
	if [[ -s "$DIR/vmlinuz-$KREL" ]]; then
		log "Debian's vmlinuz-$KREL is cached in $DIR"
		return 0
	fi
	need apt-get:apt dpkg-deb:dpkg tar:tar
	# removed at exit, also when the download fails
	TMPDIR="$DIR" acme_tmpdir tmp
	download_kernel "$tmp"
	for f in modules.builtin modules.builtin.modinfo; do
		mv -f -- "$tmp/x/lib/modules/$KREL/$f" "$DIR/$f"
	done
	mv -f -- "$tmp/x/boot/vmlinuz-$KREL" "$DIR/vmlinuz-$KREL"
	rm -rf -- "$tmp"
	log "Debian's vmlinuz-$KREL extracted to $DIR"
}

# build_modules - the out-of-tree build in a scratch copy, without warnings.
build_modules() {
	local work="$DIR/work" blog="$DIR/work/build.log" m
	local -a kos=()
	rm -rf -- "$work"
	oot_sources "$work"
	make -C "$work" KDIR="$HEADERS" -j"$(acme_jobs)" modules >"$blog" 2>&1 || {
		tail -n 40 "$blog" >&2
		die "the modules do not build against $HEADERS (log: $blog)"
	}
	if grep -i 'warning:' "$blog" >&2; then
		die "the module build printed the warnings above (log: $blog)"
	fi
	for m in "${ACME_MODULES[@]}"; do
		kos+=("$work/drivers/char/acme/$m.ko")
	done
	check_vermagic "$KREL" "${kos[@]}"
	log "built ${ACME_MODULES[*]} for $KREL, vermagic ok"
}

# install_modules - `make modules_install` into DIR/work/install: the
# modules land under lib/modules/KREL/, and depmod records that acme needs
# acme_core. The guest gets them from there.
install_modules() {
	local work="$DIR/work" ilog="$DIR/work/install.log" dep
	make -C "$work" KDIR="$HEADERS" INSTALL_MOD_PATH="$work/install" \
		modules_install >"$ilog" 2>&1 || {
		tail -n 40 "$ilog" >&2
		die "make modules_install failed (log: $ilog)"
	}
	STAGED="$(find "$work/install/lib/modules/$KREL" -name acme.ko -printf '%h\n' -quit)"
	[[ -n "$STAGED" ]] || die "make modules_install put no acme.ko under lib/modules/$KREL"
	dep="$work/install/lib/modules/$KREL/modules.dep"
	grep -qE '/acme\.ko: .*/acme_core\.ko$' "$dep" 2>/dev/null ||
		die "modules.dep of make modules_install does not say that acme needs acme_core"
	log "make modules_install: ${STAGED#"$work/install"}, depmod ok"
}

# check_dkms - scripts/lib/check-dkms.sh for KREL; its KTAP goes to stderr, so
# that stdout carries the guest's alone.
check_dkms() {
	"$ACME_ROOT/scripts/lib/check-dkms.sh" --release "$KREL" >&2
}

# selftest_kver - the series tree for the kselftest: KREL's 6.1 or 6.12,
# else 6.12 (the kselftest is user space and runs on any of them).
selftest_kver() {
	local v
	v="$(cut -d. -f1,2 <<<"$KREL")"
	(kver_normalize "$v" 2>/dev/null) && return 0
	log "no acme tree for Linux $v; the kselftest comes from ${ACME_KVERS[0]}"
	printf '%s\n' "${ACME_KVERS[0]}"
}

build_selftest() {
	local kver
	kver="$(selftest_kver)"
	TREE="$("$ACME_ROOT/scripts/lib/prepare-tree.sh" --kver "$kver")"
	KSBUILD="$ACME_CACHE/distro/kselftest-$kver"
	build_kselftest "$TREE" "$KSBUILD"
}

make_initramfs() {
	local m
	local -a adds=()
	for m in "${ACME_MODULES[@]}"; do
		adds+=(--add "$STAGED/$m.ko:/lib/modules/$KREL/extra/")
	done
	for m in modules.builtin modules.builtin.modinfo; do
		adds+=(--add "$DIR/$m:/lib/modules/$KREL/$m")
	done
	guest_image "$KSBUILD" "$DIR/initramfs.cpio" --release "$KREL" \
		--tree "$TREE" "${adds[@]}" >&2
}

# boot_guest - boot Debian's kernel, console on stdout; returns the guest's
# exit status.
boot_guest() {
	local rc=0 summary t0
	t0="$(now)"
	log "booting Debian's kernel $KREL"
	"$ACME_ROOT/scripts/guest" --kernel "$DIR/vmlinuz-$KREL" \
		--initrd "$DIR/initramfs.cpio" --acme m --timeout "$TIMEOUT" \
		--append acmeguest.edu=none --log "$DIR/console.log" -- checks || rc=$?
	summary="$(sed -n 's/^# \([0-9]* passed, [0-9]* failed, [0-9]* skipped\).*$/\1/p' \
		"$DIR/console.log" | tail -n1)"
	log "booting Debian's kernel $KREL: done in $(elapsed_since "$t0") s"
	log "guest checks on Debian's $KREL: ${summary:-no summary line} (exit status $rc)"
	return "$rc"
}

main() {
	local t0 rc=0
	parse_args "$@"
	t0="$(now)"
	need make:make gcc:gcc depmod:kmod
	need_static_busybox
	step "finding the stock kernel" find_release
	step "getting Debian's kernel image" stock_kernel
	step "building the modules against $HEADERS" build_modules
	step "installing them with make modules_install" install_modules
	((DKMS == 0)) || step "checking the DKMS package" check_dkms
	step "building the kselftest" build_selftest
	step "building the initramfs" make_initramfs
	boot_guest || rc=$?
	log "check-distro took $(elapsed_since "$t0") s in all"
	return "$rc"
}

main "$@"
