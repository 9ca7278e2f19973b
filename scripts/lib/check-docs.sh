#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-docs.sh - the acme documentation builds clean in the kernel
#
# usage: scripts/lib/check-docs.sh [--kver 6.12|6.1]
#
# Applies the series to the cached tree of KVER (scripts/lib/prepare-tree.sh) and
#   - builds the HTML docs of Documentation/misc-devices and
#     Documentation/userspace-api/ioctl with the kernel's Sphinx build
#     (make SPHINXDIRS=... htmldocs, into a scratch O= dir): no warning or
#     error may name an acme file or ioctl-number.rst, the acme page must
#     hold the kernel-doc of every helper that acme_core.c exports and of
#     struct acme_stats and struct acme_clear, and the ioctl table must list <linux/acme.h>;
#   - checks Documentation/ABI/testing/sysfs-class-acme with the kernel's
#     scripts/get_abi.pl: validate reports nothing about it, and every
#     attribute that acme.c defines has an entry that search finds;
#   - compiles the user-space examples of acme.rst with -Wall -Werror
#     (the guest checks run it).
# Needs sphinx-build and PyYAML (python3-sphinx, python3-yaml).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TREE=""
OUT=""
# sphinx_build - make htmldocs for the two directories into $OUT.
sphinx_build() {
	local log="$OUT/htmldocs.log"
	log "make SPHINXDIRS=\"misc-devices userspace-api/ioctl\" htmldocs"
	make -C "$TREE" O="$OUT" SPHINXDIRS="misc-devices userspace-api/ioctl" \
		htmldocs >"$log" 2>&1 || {
		tail -n 30 "$log" >&2
		die "make htmldocs failed"
	}
	SPHINX_LOG="$log"
}

# The files whose warnings count: what the series adds or touches in the
# two directories, and the sources their kernel-doc comes from.
ACME_FILES='misc-devices/acme\.rst|drivers/char/acme/|linux/acme\.h|sysfs-class-acme|ioctl-number\.rst'

# sphinx_warnings - no warning or error names an acme file.
sphinx_warnings() {
	local bad others
	bad="$(grep -E '(WARNING|ERROR|SEVERE|CRITICAL|[Ww]arning:|[Ee]rror:)' "$SPHINX_LOG" |
		grep -E "$ACME_FILES" || true)"
	if [[ -n "$bad" ]]; then
		printf '%s\n' "$bad" >&2
		check_error "the docs build warns about the acme files (above)"
		return 0
	fi
	others="$(grep -cE '(WARNING|ERROR):' "$SPHINX_LOG" || true)"
	log "Sphinx: no warning about acme ($others about other files or tools)"
}

# exported_helpers - the names that acme_core.c exports, in a symbol
# namespace (EXPORT_SYMBOL_NS_GPL(name, NS)) or not.
exported_helpers() {
	sed -n 's/^EXPORT_SYMBOL\(_NS\)\{0,1\}\(_GPL\)\{0,1\}(\([a-z_0-9]*\)\(, *[A-Z_0-9]*\)\{0,1\});$/\3/p' \
		"$ACME_ROOT/drivers/char/acme/acme_core.c"
}

# page_content - the acme page renders the exported helpers and the uapi.
page_content() {
	local html="$OUT/Documentation/output/misc-devices/acme.html" name n=0
	local table="$OUT/Documentation/output/userspace-api/ioctl/ioctl-number.html"
	[[ -s "$html" ]] || {
		check_error "no $html"
		return 0
	}
	for name in $(exported_helpers) acme_stats acme_clear; do
		n=$((n + 1))
		grep -q "id=\"c\\.$name\"" "$html" ||
			check_error "acme.html lacks the kernel-doc of $name"
	done
	((n > 2)) || check_error "found no EXPORT_SYMBOL in acme_core.c"
	grep -q 'uapi/linux/acme\.h' "$table" 2>/dev/null ||
		check_error "ioctl-number.html does not list uapi/linux/acme.h"
	log "acme.html documents $((n - 2)) exported helpers, struct acme_stats and struct acme_clear"
}

# sysfs_attributes - the attribute names that acme.c defines.
sysfs_attributes() {
	sed -n 's/^static DEVICE_ATTR_R[OW]\{1,2\}(\([a-z_0-9]*\));$/\1/p' \
		"$ACME_ROOT/drivers/char/acme/acme.c"
}

# get_abi ARGS... - the tree's scripts/get_abi.pl, run from the tree.
get_abi() {
	(cd "$TREE" && ./scripts/get_abi.pl "$@" 2>&1)
}

abi_docs() {
	local abi=Documentation/ABI out attr n=0 e0="$CHECK_ERRORS"
	if ! out="$(get_abi validate --dir "$abi")"; then
		printf '%s\n' "$out" | tail -n 20 >&2
		check_error "get_abi.pl validate failed"
	elif grep -i acme <<<"$out" >&2; then
		check_error "get_abi.pl validate reports the above"
	fi
	for attr in $(sysfs_attributes); do
		n=$((n + 1))
		out="$(get_abi search "/sys/class/acme/.*/$attr\$" --dir "$abi" || true)"
		grep -q "sysfs-class-acme" <<<"$out" ||
			check_error "no ABI entry for /sys/class/acme/<name>/$attr"
	done
	((n > 0)) || check_error "found no DEVICE_ATTR in acme.c"
	((CHECK_ERRORS > e0)) || log "ABI: $n sysfs attributes, each documented in sysfs-class-acme"
}

example_builds() {
	if (build_example "$ACME_ROOT/include/uapi" "$OUT/example"); then
		log "the $(example_count) examples in acme.rst compile (gcc -Wall -Wextra -Werror)"
	else
		check_error "an example in acme.rst does not build"
	fi
}

main() {
	local kver=""
	opts_kver kver "$@"
	need sphinx-build:python3-sphinx perl:perl make:make
	# htmldocs runs tools/net/ynl/ynl-gen-rst.py with the python3 of PATH
	need_py python3 yaml:python3-yaml

	TREE="$("$ACME_ROOT/scripts/lib/prepare-tree.sh" --kver "$kver")"
	acme_tmpdir OUT
	sphinx_build
	sphinx_warnings
	page_content
	abi_docs
	example_builds
	((CHECK_ERRORS == 0)) || die "$CHECK_ERRORS documentation check(s) failed (Linux $kver)"
	log "the acme documentation builds clean on Linux $kver"
}

main "$@"
