#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-dkms.sh - the acme DKMS package builds, installs and goes away
#
# usage: scripts/lib/check-dkms.sh [--release KREL]
#
# As root, for kernel release KREL (Debian's stock kernel, the one its
# linux-headers-amd64 depends on, or --release KREL; linux-headers-KREL is
# installed when missing):
#
#   1. copies the files of the out-of-tree build (top Makefile, dkms.conf,
#      drivers/char/acme/, include/uapi/linux/acme.h) to a scratch dir and
#      gives the package a version of its own, check.<date>.<pid>, which no
#      real install uses; refuses to run when DKMS already has acme for KREL
#   2. dkms add, dkms build and dkms install for KREL
#   3. checks that dkms status says installed and that acme_core.ko, acme.ko
#      and hello.ko are in /lib/modules/KREL/updates/dkms/ with KREL's
#      vermagic
#   4. dkms remove --all, then checks that DKMS knows no such version and no
#      module of it is left
#   5. removes what DKMS leaves behind on purpose (/usr/src/acme-VERSION,
#      the depmod indexes and empty directories it made in /lib/modules/KREL,
#      a MOK key pair it generated for signing) and checks that
#      /lib/modules/KREL holds exactly what it held before.
# When a step fails or the run is interrupted, the package is removed and
# step 5 done all the same.
#
# Prints KTAP on stdout: one "ok N - step" line per step ("not ok" with the
# reason and the end of the DKMS log as "# " lines, and no further step),
# then "# N passed, N failed, N skipped". Exit status: 0 when every step
# passed, 1 otherwise (and on errors before the first step, with
# "acme: error: ..." on stderr).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=scripts/lib/ktap.sh
. "$ACME_ROOT/scripts/lib/ktap.sh"

# dkms.conf installs the modules there (DKMS uses it on Debian in any case)
DEST=updates/dkms
KREL=""
VER=""
WORK=""
DKMS_LOG=""
MOK_KEYS=(/var/lib/dkms/mok.key /var/lib/dkms/mok.pub)
MOK_BEFORE=""
ACME_DIR_BEFORE=0

parse_args() {
	opts_parse --release=KREL -- "$@"
	opts_none
}

# modules_tree - what /lib/modules/KREL holds, but for the kernel's
# build and source links.
modules_tree() {
	find "/lib/modules/$KREL" -mindepth 1 \( -path "/lib/modules/$KREL/build" \
		-o -path "/lib/modules/$KREL/source" \) -prune -o -print | LC_ALL=C sort
}

# mok_state - which of DKMS's default MOK key files exist.
mok_state() {
	local f
	for f in "${MOK_KEYS[@]}"; do
		[[ ! -e "$f" ]] || printf '%s ' "$f"
	done
}

# prepare - the scratch package, the state to restore, the cleanup trap.
prepare() {
	local conf
	[[ -n "$KREL" ]] || KREL="$(stock_release)"
	stock_headers "$KREL" >/dev/null
	if [[ -n "$(dkms status -m acme -k "$KREL" 2>/dev/null)" ]]; then
		dkms status -m acme -k "$KREL" >&2
		die "DKMS already has acme for $KREL (above); remove it first, this check would disturb it"
	fi
	VER="check.$(date +%Y%m%d%H%M%S).$$"
	[[ ! -e "/usr/src/acme-$VER" ]] || die "/usr/src/acme-$VER exists already"
	acme_tmpdir WORK
	DKMS_LOG="$WORK/dkms.log"
	oot_sources "$WORK/acme"
	conf="$WORK/acme/dkms.conf"
	sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$VER\"/" "$conf"
	grep -qx "PACKAGE_VERSION=\"$VER\"" "$conf" || die "cannot set PACKAGE_VERSION in $conf"
	[[ -d /var/lib/dkms/acme ]] && ACME_DIR_BEFORE=1
	MOK_BEFORE="$(mok_state)"
	modules_tree >"$WORK/modules.before"
	trap 'cleanup; _acme_cleanup' EXIT
	log "DKMS package acme/$VER for $KREL (scratch copy: $WORK/acme)"
}

# restore - take back what DKMS keeps after remove --all, and what it made
# for this run alone; restores the state prepare recorded.
restore() {
	local p
	rm -rf -- "/usr/src/acme-$VER" "/var/lib/dkms/acme/$VER"
	((ACME_DIR_BEFORE)) || rmdir /var/lib/dkms/acme 2>/dev/null || true
	if [[ -z "$MOK_BEFORE" && -n "$(mok_state)" ]]; then
		log "removing the MOK key pair DKMS generated for this run: ${MOK_KEYS[*]}"
		rm -f -- "${MOK_KEYS[@]}"
	fi
	# depmod indexes, and directories left empty, that were not there before
	while read -r p; do
		case "$p" in
		"/lib/modules/$KREL"/modules.*) [[ -d "$p" ]] || rm -f -- "$p" ;;
		esac
	done < <(modules_tree | LC_ALL=C comm -13 "$WORK/modules.before" -)
	modules_tree | LC_ALL=C comm -13 "$WORK/modules.before" - | LC_ALL=C sort -r |
		while read -r p; do
			[[ ! -d "$p" ]] || rmdir -- "$p" 2>/dev/null || true
		done
}

# cleanup - at exit: remove the package if a step failed before step 4.
cleanup() {
	[[ -n "$VER" ]] || return 0
	if [[ -d "/var/lib/dkms/acme/$VER" ]]; then
		log "removing acme/$VER from DKMS"
		dkms remove "acme/$VER" --all >>"$DKMS_LOG" 2>&1 ||
			warn "dkms remove acme/$VER --all failed (log: $DKMS_LOG)"
	fi
	restore
}

# failed_step NAME WHY - report a failed step and end the run.
failed_step() {
	local log=""
	[[ ! -s "$DKMS_LOG" ]] || log="end of the DKMS log:
$(tail -n 25 "$DKMS_LOG")"
	ktap_not_ok "$1" "$2" ${log:+"$log"}
	ktap_end || exit 1
}

# step NAME CMD... - one KTAP line: CMD must succeed (its output is logged).
step() {
	local name="$1" t0
	shift
	t0="$(now)"
	log "$name"
	echo "### $*" >>"$DKMS_LOG"
	if "$@" >>"$DKMS_LOG" 2>&1; then
		ktap_ok "$name ($(elapsed_since "$t0") s)"
	else
		failed_step "$name" "failed: $*"
	fi
}

# status_is WHAT - dkms status of acme/VER on KREL says WHAT.
status_is() {
	local st
	st="$(dkms status -m acme -v "$VER" -k "$KREL" 2>&1)"
	echo "$st"
	grep -q "^acme/$VER, $KREL, [^:]*: $1\$" <<<"$st"
}

# installed_modules - the three modules in DEST, built for KREL.
installed_modules() {
	local m ko magic
	for m in "${ACME_MODULES[@]}"; do
		ko="/lib/modules/$KREL/$DEST/$m.ko"
		[[ -f "$ko" ]] || {
			echo "missing: $ko"
			return 1
		}
		magic="$(modinfo -F vermagic "$ko")"
		echo "$ko: vermagic $magic"
		[[ "$magic" == "$KREL "* ]] || return 1
	done
}

# nothing_left - DKMS knows no acme/VER and no module of it is installed.
nothing_left() {
	local st left
	st="$(dkms status -m acme -v "$VER" 2>&1)"
	[[ -z "$st" ]] || {
		echo "dkms status still shows: $st"
		return 1
	}
	[[ ! -e "/var/lib/dkms/acme/$VER" ]] || {
		echo "/var/lib/dkms/acme/$VER is left"
		return 1
	}
	left="$(find "/lib/modules/$KREL" \( -name 'acme_core.ko*' -o -name 'acme.ko*' \
		-o -name 'hello.ko*' \) -print)"
	[[ -z "$left" ]] || {
		echo "modules left: $left"
		return 1
	}
}

# host_restored - after restore, /lib/modules/KREL is as it was, and no
# /usr/src/acme-VER is left.
host_restored() {
	local diff
	restore
	[[ ! -e "/usr/src/acme-$VER" ]] || {
		echo "/usr/src/acme-$VER is left"
		return 1
	}
	diff="$(modules_tree | diff "$WORK/modules.before" - || true)"
	[[ -z "$diff" ]] || {
		echo "/lib/modules/$KREL differs from before the run:"
		echo "$diff"
		return 1
	}
}

main() {
	parse_args "$@"
	((EUID == 0)) || die "check-dkms must run as root: dkms installs into /usr/src, /var/lib/dkms and /lib/modules"
	need dkms:dkms modinfo:kmod make:make gcc:gcc
	prepare
	ktap_begin
	step "dkms add" dkms add "$WORK/acme"
	step "dkms build for $KREL" dkms build -m acme -v "$VER" -k "$KREL"
	step "dkms install for $KREL" dkms install -m acme -v "$VER" -k "$KREL"
	step "dkms status says installed" status_is installed
	step "${ACME_MODULES[*]} in /lib/modules/$KREL/$DEST with vermagic $KREL" installed_modules
	step "dkms remove --all" dkms remove "acme/$VER" --all
	step "nothing of acme/$VER is left in DKMS or /lib/modules/$KREL" nothing_left
	step "/lib/modules/$KREL and /usr/src are as before" host_restored
	ktap_end
}

main "$@"
