# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/loop-plan.sh - what scripts/loop must rebuild, from what
# changed since the build it made last (sourced by scripts/loop; pure
# functions over files, tested by scripts/lib/selftest/loop-plan.bats).
#
# A loop state is two files in the build directory:
#   .acme-loop.key       "NAME VALUE" lines: what the build depends on that
#                        is not a file of this checkout (options, compiler,
#                        .config, the cached tree's series stamp) and the
#                        identity of what it made (image, initramfs,
#                        modules); any difference means a full build
#   .acme-loop.manifest  "SHA256  PATH" of every input file of this
#                        checkout (loop_manifest) the build was made from

# loop_manifest ROOT - "SHA256  PATH" of the files of checkout ROOT that a
# guest build is made from: the sources of the series, and the harness
# (its scripts build the tree, the kernel, the kselftest and the image;
# its guest scripts are in the image). Sorted by path; objects of an
# out-of-tree build in drivers/ are left out.
loop_manifest() {
	(cd "$1" && find Documentation drivers include tools Kconfig.snippet scripts \
		-type f ! -name '*.o' ! -name '*.ko' ! -name '*.mod' ! -name '*.mod.c' \
		! -name '.*.cmd' ! -name '.*.d' ! -name '*.order' ! -name '*.symvers' \
		! -name '*.md' ! -name '*.pyc' ! -path 'scripts/lib/selftest/*' -print0 |
		LC_ALL=C sort -z | xargs -0 sha256sum)
}

# loop_changes OLD NEW - the paths that differ between two manifests, one
# "changed PATH", "added PATH" or "removed PATH" a line, sorted by path.
loop_changes() {
	awk 'NR == FNR { old[$2] = $1; next }
		!($2 in old) { print "added", $2; next }
		old[$2] != $1 { print "changed", $2 }
		{ delete old[$2] }
		END { for (p in old) print "removed", p }' "$1" "$2" |
		LC_ALL=C sort -k2
}

# loop_module_source PATH - PATH is a C file or header of the driver's
# directory: a change to it rebuilds the modules of that directory and
# nothing else (its Kconfig and Makefile, tests/ and every other file
# can change what is built, or where).
loop_module_source() {
	[[ "$1" =~ ^drivers/char/acme/[^/]+\.[ch]$ ]]
}

# loop_plan CHANGES ACME FASTOK - what to do for the changes of
# loop_changes (a file) in a build of acme =ACME; FASTOK is 1 when the
# build may swap modules (for the kernel whose series applies the sources
# unchanged), else 0. Prints one line:
#   none                      nothing changed: boot what is built
#   modules PATH...           only driver sources changed, acme is =m:
#                             copy PATH... to the tree, rebuild the
#                             driver's modules, swap them in the initramfs
#   full REASON               anything else: the full build
loop_plan() {
	local changes="$1" acme="$2" fastok="$3" kind path
	local -a paths=()
	while read -r kind path; do
		[[ -n "$kind" ]] || continue
		if [[ "$kind" != changed ]]; then
			printf 'full %s was %s\n' "$path" "$kind"
			return 0
		fi
		if ! loop_module_source "$path"; then
			printf 'full %s changed\n' "$path"
			return 0
		fi
		paths+=("$path")
	done <"$changes"
	if ((${#paths[@]} == 0)); then
		echo none
	elif [[ "$acme" != m ]]; then
		printf 'full %s changed and acme is built in (=%s): the image is rebuilt\n' \
			"${paths[0]}" "$acme"
	elif [[ "$fastok" != 1 ]]; then
		printf 'full %s changed and this kernel'\''s series edits the sources (a backport)\n' \
			"${paths[0]}"
	else
		printf 'modules %s\n' "${paths[*]}"
	fi
}

# loop_key_diff OLD NEW - the name of the first key line that differs
# between two .acme-loop.key files (or is in one only); nothing when they
# are the same.
loop_key_diff() {
	awk 'NR == FNR { old[$1] = $0; next }
		!($1 in old) || old[$1] != $0 { print $1; exit }
		{ delete old[$1] }
		END { for (k in old) { print k; exit } }' "$1" "$2" | head -n1
}
