#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/mkinitramfs.sh - build the busybox test initramfs (newc cpio).
#
# usage: scripts/lib/mkinitramfs.sh --build DIR --out FILE.cpio [--tree DIR]
#                            [--add SRC:DEST]... [--force]
#        scripts/lib/mkinitramfs.sh --release KREL --tree DIR --out FILE.cpio
#                            [--add SRC:DEST]... [--force]
#        scripts/lib/mkinitramfs.sh --build DIR --out FILE.cpio [--tree DIR]
#                            --swap-modules
#
# Build an uncompressed newc cpio for booting the kernel built in BUILD:
#   /bin/busybox (static; /bin/sh links to it, /init makes the rest),
#   /init (scripts/lib/guest-init.sh), /bin /sbin /etc /proc /sys /dev /tmp /root
#   /lib/modules /usr/bin /usr/sbin, /dev/console and /dev/null nodes, and
#   when CONFIG_MODULES=y the kernel's modules (make modules_install into the
#   staging tree, plus modules.builtin*) indexed by depmod.
# With --release instead of --build, the image is for a kernel that has no
# build dir here (a distribution's stock kernel, release KREL): the same
# image without make modules_install; the modules are the .ko files given
# with --add under /lib/modules/KREL/ (e.g. /lib/modules/KREL/extra/),
# listed in a modules.order (unless one is added) and indexed by depmod;
# add the kernel's modules.builtin* too if you have them.
# No root needed: the archive is written by the kernel's usr/gen_init_cpio
# from a file list (all entries owned by root).
#
# Options:
#   --build DIR       kernel build dir (after scripts/lib/build.sh)
#   --release KREL    kernel release (uname -r) of a kernel without a build
#                     dir; needs --tree, excludes --build
#   --out FILE        output cpio; the staging tree is kept in FILE-root/
#                     (e.g. out.cpio -> out.cpio-root/) for inspection
#   --tree DIR        kernel source tree (default: BUILD/source); with
#                     --release any kernel tree: only its usr/gen_init_cpio.c
#                     is used
#   --add SRC:DEST    copy file or directory SRC to DEST in the image
#                     (repeatable; DEST ending in / means "into that dir").
#                     Added before depmod runs, so a .ko added under
#                     /lib/modules/<release>/ is indexed too.
#   --force           rebuild even if the output looks up to date
#   --swap-modules    swap the modules of BUILD into an image this script
#                     made for BUILD, without rebuilding it: FILE becomes
#                     the whole image as last built (kept as FILE.base)
#                     followed by a second archive, FILE.modules.cpio,
#                     with /lib/modules/<release>/ as make modules_install
#                     and depmod give it now (the kernel unpacks the
#                     archives in order, a later file replacing an
#                     earlier one). For modules rebuilt with the same set
#                     of module files (scripts/loop); FILE-root/ is
#                     updated to match.
#   -h, --help        show this help
#
# The cpio is only rebuilt when an input is newer than it or the options
# changed (recorded in FILE.args).
#
# Exit status: 0; 2 for a bad option; 4 (ACME_EXIT_BUILD) when the image
# cannot be made (1 for other errors of the arguments).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BUILD="" RELEASE="" OUT="" TREE="" FORCE=0 SWAP=0
ADDS=()

parse_args() {
	opts_parse --build=BUILD --release=RELEASE --out=OUT --tree=TREE --add+ADDS \
		--force!FORCE --swap-modules!SWAP -- "$@"
	opts_none
}

# abspath P - absolute path of P (P's parent dir must exist).
abspath() { printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd -P)" "$(basename "$1")"; }

# check_kernel - the kernel the image is for: MODULES, KREL and TREE from
# the build dir, or from --release and --tree.
check_kernel() {
	if [[ -n "$RELEASE" ]]; then
		[[ -z "$BUILD" ]] || die "--build and --release are exclusive"
		[[ "$RELEASE" =~ ^[[:alnum:]][[:alnum:]._+~-]*$ ]] ||
			die "--release '$RELEASE' does not look like a kernel release (uname -r)"
		[[ -n "$TREE" ]] || die "--release needs --tree DIR (a kernel tree for usr/gen_init_cpio.c)"
		TREE="$(require_kernel_tree "$TREE")"
		MODULES=y
		KREL="$RELEASE"
		return 0
	fi
	[[ -n "$BUILD" ]] || die "missing --build DIR (or --release KREL)"
	[[ -f "$BUILD/.config" ]] || die "no $BUILD/.config (run scripts/configure and scripts/lib/build.sh)"
	BUILD="$(cd "$BUILD" && pwd -P)"
	[[ -n "$TREE" ]] || TREE="$(build_srctree "$BUILD")"
	TREE="$(require_kernel_tree "$TREE")"
	MODULES="$(kconfig_get "$BUILD" MODULES)"
	KREL="$(kernel_release "$BUILD")"
}

check_args() {
	[[ -n "$OUT" ]] || die "missing --out FILE"
	check_kernel
	mkdir -p -- "$(dirname "$OUT")"
	OUT="$(abspath "$OUT")"
	STAGE="$OUT-root"
	local i src dest
	for i in "${!ADDS[@]}"; do
		[[ "${ADDS[$i]}" == *:* ]] || die "--add needs SRC:DEST (got '${ADDS[$i]}')"
		src="${ADDS[$i]%%:*}"
		dest="${ADDS[$i]#*:}"
		[[ -e "$src" ]] || die "--add source '$src' does not exist"
		[[ "$dest" == /* ]] || die "--add destination must be absolute (got '$dest')"
		ADDS[i]="$(abspath "$src"):$dest"
	done
	GUEST_INIT="$ACME_ROOT/scripts/lib/guest-init.sh"
	[[ -f "$GUEST_INIT" ]] || die "missing $GUEST_INIT"
}

# signature - the options and identity of the inputs (for up-to-date checks).
signature() {
	printf 'format 1\nbuild %s\ntree %s\nrelease %s\nmodules %s\n' \
		"$BUILD" "$TREE" "$KREL" "$MODULES"
	printf 'add %s\n' "${ADDS[@]}"
}

# inputs - files and dirs whose mtimes matter.
inputs() {
	printf '%s\n' "$ACME_BUSYBOX" "$GUEST_INIT" "${ADDS[@]%%:*}"
	[[ -n "$BUILD" ]] || return 0
	printf '%s\n' "$BUILD/.config" "$BUILD/include/config/kernel.release"
	[[ "$MODULES" != y ]] || find "$BUILD" -path "$STAGE" -prune -o -name '*.ko' -type f -print
}

up_to_date() {
	((FORCE == 0)) && [[ -s "$OUT" && -f "$OUT.args" && -f "$OUT.base" ]] || return 1
	cmp -s -- "$OUT.args" <(signature) || return 1
	local f newer
	while read -r f; do
		newer="$(find "$f" -newer "$OUT" -print -quit 2>/dev/null)"
		[[ -z "$newer" ]] || return 1
	done < <(inputs)
	return 0
}

stage_base() {
	local d
	rm -rf -- "$STAGE"
	for d in bin sbin etc proc sys dev tmp root run lib/modules usr/bin usr/sbin; do
		mkdir -p -- "$STAGE/$d"
	done
	chmod 1777 "$STAGE/tmp"
	chmod 0700 "$STAGE/root"
	install -m 0755 -- "$ACME_BUSYBOX" "$STAGE/bin/busybox"
	ln -s busybox "$STAGE/bin/sh"
	install -m 0755 -- "$GUEST_INIT" "$STAGE/init"
	# nobody: the guest checks run the kselftest unprivileged with su.
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' \
		>"$STAGE/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$STAGE/etc/group"
	printf 'export PS1='\''acme:\\w# '\''\n' >"$STAGE/etc/profile"
	# kselftest's runner.sh calls GNU timeout with --foreground, which
	# busybox's lacks; busybox --install at boot leaves this file alone.
	# shellcheck disable=SC2016 # $1 and $@ are the guest sh's
	printf '#!/bin/sh\n[ "$1" = --foreground ] && shift\nexec /bin/busybox timeout "$@"\n' \
		>"$STAGE/usr/bin/timeout"
	chmod 0755 "$STAGE/usr/bin/timeout"
}

stage_modules() {
	[[ "$MODULES" == y ]] || return 0
	if [[ -z "$BUILD" ]]; then
		mkdir -p -- "$STAGE/lib/modules/$KREL"
		return 0
	fi
	install_modules "$STAGE"
}

# install_modules ROOT - make modules_install of BUILD into ROOT, with the
# kernel's modules.builtin*, not yet indexed.
install_modules() {
	local root="$1" mlog="$OUT.modules_install.log"
	make -C "$TREE" O="$BUILD" INSTALL_MOD_PATH="$root" DEPMOD=true \
		modules_install >"$mlog" 2>&1 || {
		tail -n 40 "$mlog" >&2
		die "make modules_install failed (log: $mlog)"
	}
	local mdir="$root/lib/modules/$KREL" f
	mkdir -p -- "$mdir"
	for f in "$BUILD"/modules.builtin*; do
		[[ -f "$f" && ! -e "$mdir/$(basename "$f")" ]] && cp -- "$f" "$mdir/"
	done
	rm -f -- "$mdir/build" "$mdir/source"
}

# stage_add SRC DEST - copy one --add entry into the staging tree.
stage_add() {
	local src="$1" dest="$2"
	if [[ -d "$src" ]]; then
		mkdir -p -- "$STAGE$dest"
		cp -a -- "$src/." "$STAGE$dest/"
	elif [[ "$dest" == */ ]]; then
		mkdir -p -- "$STAGE$dest"
		cp -a -- "$src" "$STAGE$dest"
	else
		mkdir -p -- "$(dirname "$STAGE$dest")"
		cp -a -- "$src" "$STAGE$dest"
	fi
}

stage_adds() {
	local a
	for a in "${ADDS[@]}"; do
		stage_add "${a%%:*}" "${a#*:}"
	done
}

# release_modules_order - with --release, a modules.order listing the
# added modules unless one was added (make modules_install writes it).
release_modules_order() {
	local mdir="$STAGE/lib/modules/$KREL"
	[[ -n "$RELEASE" && ! -e "$mdir/modules.order" ]] || return 0
	(cd "$mdir" && find . -name '*.ko*' -type f -printf '%P\n' | LC_ALL=C sort) \
		>"$mdir/modules.order"
}

run_depmod() {
	[[ "$MODULES" == y ]] || return 0
	depmod -b "${1:-$STAGE}" "$KREL" || die "depmod -b ${1:-$STAGE} $KREL failed"
}

# swap_modules - the --swap-modules image: FILE.base, the whole image,
# then an archive of /lib/modules/KREL/ installed afresh.
swap_modules() {
	local base="$OUT.base" root="$OUT-modules" overlay="$OUT.modules.cpio"
	[[ -n "$BUILD" && "$MODULES" == y ]] ||
		die "--swap-modules needs --build DIR of a kernel with CONFIG_MODULES=y"
	((FORCE == 0 && ${#ADDS[@]} == 0)) || die "--swap-modules takes neither --add nor --force"
	[[ -s "$base" && -f "$OUT.args" && -d "$STAGE/lib/modules/$KREL" ]] ||
		die "no $base or $STAGE/: build the whole image first"
	# the --add list stays the one the image was made with
	cmp -s -- <(grep -v '^add ' "$OUT.args") <(signature | grep -v '^add ') ||
		die "$OUT was made for another kernel, build or tree ($OUT.args): build the whole image"
	need depmod:kmod cpio:cpio
	rm -rf -- "$root"
	mkdir -p -- "$root/lib/modules"
	install_modules "$root"
	run_depmod "$root"
	(cd "$root" && find lib | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$overlay" ||
		die "cpio failed on $root"
	cat -- "$base" "$overlay" >"$OUT.tmp"
	mv -f -- "$OUT.tmp" "$OUT"
	# FILE-root/ shows what the image holds
	rm -rf -- "${STAGE:?}/lib/modules/$KREL"
	mv -- "$root/lib/modules/$KREL" "$STAGE/lib/modules/$KREL"
	rm -rf -- "$root"
	log "swapped $(find "$STAGE/lib/modules/$KREL" -name '*.ko*' | wc -l) modules into $OUT ($(du -k "$overlay" | cut -f1) KiB after the $(du -k "$base" | cut -f1) KiB of $base)"
}

# cpio_list - gen_init_cpio entries for the staging tree plus device nodes.
cpio_list() {
	echo "# generated by scripts/lib/mkinitramfs.sh"
	(cd "$STAGE" && find . -mindepth 1 -printf '%P\t%y\t%m\t%l\n') | LC_ALL=C sort |
		while IFS=$'\t' read -r path type mode target; do
			[[ "$path" != *[[:space:]]* ]] ||
				die "file name with whitespace not supported in the image: '$path'"
			case "$type" in
			d) echo "dir /$path $mode 0 0" ;;
			f) echo "file /$path $STAGE/$path $mode 0 0" ;;
			l) echo "slink /$path $target 777 0 0" ;;
			*) die "unsupported file type '$type' in the image: /$path" ;;
			esac
		done
	# after the walk, which emitted "dir /dev"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
}

# gen_init_cpio_bin - the kernel's helper, built on the fly if missing.
gen_init_cpio_bin() {
	if [[ -n "$BUILD" && -x "$BUILD/usr/gen_init_cpio" ]]; then
		echo "$BUILD/usr/gen_init_cpio"
		return 0
	fi
	local src="$TREE/usr/gen_init_cpio.c" bin
	bin="$ACME_CACHE/bin/gen_init_cpio-$(sha256sum <"$src" | cut -c1-16)"
	if [[ ! -x "$bin" ]]; then
		need gcc:gcc
		mkdir -p -- "$(dirname "$bin")"
		gcc -O2 -o "$bin.tmp" "$src" || die "cannot compile $src"
		mv -f -- "$bin.tmp" "$bin"
	fi
	echo "$bin"
}

write_cpio() {
	local gen list="$OUT.list"
	gen="$(gen_init_cpio_bin)"
	cpio_list >"$list"
	"$gen" "$list" >"$OUT.tmp" || die "gen_init_cpio failed (list: $list)"
	mv -f -- "$OUT.tmp" "$OUT"
	# the whole image, for --swap-modules (a link: no copy)
	ln -f -- "$OUT" "$OUT.base"
}

main() {
	parse_args "$@"
	check_args
	# from here on, a failure is one of the build
	ACME_DIE_STATUS="$ACME_EXIT_BUILD"
	if [[ -n "$BUILD" ]]; then
		arch_load "$(build_arch "$BUILD")"
	else
		arch_load x86_64 # --release: Debian's own amd64 kernel
	fi
	guest_busybox
	if ((SWAP)); then
		swap_modules
		return 0
	fi
	if up_to_date; then
		log "initramfs up to date: $OUT"
		return 0
	fi
	[[ "$MODULES" != y ]] || need depmod:kmod
	log "building initramfs $OUT (kernel $KREL, modules: $MODULES)"
	rm -f -- "$OUT.args"
	stage_base
	stage_modules
	stage_adds
	release_modules_order
	run_depmod
	write_cpio
	signature >"$OUT.args"
	local nmod=0
	[[ "$MODULES" != y ]] || nmod="$(find "$STAGE/lib/modules" -name '*.ko*' | wc -l)"
	log "wrote $OUT ($(du -k "$OUT" | cut -f1) KiB, $nmod modules)"
}

main "$@"
