#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-fresh.sh - the README's two commands on a fresh Debian 12
#
# usage: scripts/lib/check-fresh.sh [--ref REF] [--keep]
#
# As root: makes a minimal Debian 12 root with debootstrap (--variant
# minbase, from the mirror of this machine's apt sources), clones this
# repository into it (its commit REF, default HEAD: uncommitted changes are
# not in the check) and runs there, as root and as README.md says, first
# `scripts/run` and then `scripts/test --quick`, with an empty cache. It
# passes when both exit 0 and scripts/run printed the seed transcript as
# README.md shows it (its block that starts "# modprobe hello").
#
# Into the root go only what reaching the package registries needs: the
# apt sources and apt's Acquire settings, resolv.conf, the local
# certificate authorities (/usr/local/share/ca-certificates) and the
# bundle that SSL_CERT_FILE and NODE_EXTRA_CA_CERTS name, with those
# variables set inside. The commands run in a mount namespace of their
# own (proc, sys and /dev mounted there), so nothing stays mounted when
# they end.
#
# What is kept across runs: debootstrap's tarball of the minbase packages
# ($ACME_CACHE/fresh/, named after the mirror, made again when a week
# old), which holds no package of the harness: the README's commands
# install every one inside. The root is made anew on every run and
# removed at the end (--keep keeps it, in $ACME_CACHE/fresh/root); an
# interrupt or SIGTERM kills everything running in it first.
#
# Prints KTAP on stdout: one line per step (debootstrap, the clone,
# scripts/run, its transcript, scripts/test --quick), with its time, then
# the time of the packages, the build, the boot and the tests, and the
# packages the two commands installed. Logs go to $ACME_CACHE/fresh/logs/
# (the two commands' own logs, from the root's cache, in root-logs/).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=scripts/lib/ktap.sh
. "$ACME_ROOT/scripts/lib/ktap.sh"

SUITE=bookworm
DIR="$ACME_CACHE/fresh"
ROOT="$DIR/root"
LOGS="$DIR/logs"
REF=HEAD
KEEP=0
# the PATH and locale of a root login on a fresh Debian 12
FRESH_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# the pid of the unshare that runs a command in the root
INROOT_PID=""

# mirror - the Debian mirror of this machine's apt sources (the URI of
# the source that holds $SUITE's main).
mirror() {
	local uri
	# shellcheck disable=SC2016 # apt's format, not the shell's
	uri="$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
		awk -v s="$SUITE" '$2 == s { print $1; exit }')"
	if [[ -z "$uri" ]]; then
		log "error: no apt source for Debian $SUITE on this machine (apt-get indextargets; run apt-get update first)"
		return 1
	fi
	printf '%s\n' "${uri%/}"
}

# mounted_under DIR - true when something is mounted at or below DIR.
mounted_under() {
	local d
	d="$(realpath -m -- "$1")"
	findmnt -rn -o TARGET | awk -v d="$d" '$0 == d || index($0, d "/") == 1 { f = 1 } END { exit !f }'
}

# remove_root - delete the root, never through a mount that is still there.
remove_root() {
	[[ -e "$ROOT" ]] || return 0
	! mounted_under "$ROOT" ||
		die "something is still mounted under $ROOT (findmnt); unmount it, then remove $ROOT"
	rm -rf --one-file-system -- "$ROOT"
}

# debootstrap_root - the minbase root, from the cached tarball when there
# is one for this mirror younger than a week. debootstrap runs in a mount
# namespace of its own: the proc and sys it mounts in the root go away
# with it.
debootstrap_root() {
	local mirror tarball
	mirror="$(mirror)" || return 1
	tarball="$DIR/$SUITE-minbase-$(printf '%s' "$mirror" | sha256sum | cut -c1-12).tgz"
	[[ -z "$(find "$tarball" -mtime +7 2>/dev/null)" ]] || rm -f -- "$tarball"
	if [[ ! -s "$tarball" ]]; then
		log "fetching Debian $SUITE's minbase packages from $mirror (into $tarball)"
		rm -rf -- "$DIR/tarball.tmp"
		STEP_LOG="$LOGS/debootstrap-tarball.log"
		debootstrap --variant=minbase --make-tarball="$tarball.tmp" \
			"$SUITE" "$DIR/tarball.tmp" "$mirror" >"$STEP_LOG" 2>&1 || return 1
		rm -rf -- "$DIR/tarball.tmp"
		mv -f -- "$tarball.tmp" "$tarball"
	fi
	log "debootstrap --variant=minbase $SUITE into $ROOT"
	STEP_LOG="$LOGS/debootstrap.log"
	unshare --mount --propagation private -- debootstrap --variant=minbase \
		--unpack-tarball="$tarball" "$SUITE" "$ROOT" "$mirror" >"$STEP_LOG" 2>&1
}

# copy_in FILE... - copy host files to the same paths in the root.
copy_in() {
	local f
	for f in "$@"; do
		[[ -e "$f" ]] || continue
		mkdir -p -- "$ROOT$(dirname "$f")"
		cp -rL -- "$f" "$ROOT$f"
	done
}

# ca_bundles - the bundles that SSL_CERT_FILE and NODE_EXTRA_CA_CERTS name.
ca_bundles() {
	printf '%s\n' "${SSL_CERT_FILE:-}" "${NODE_EXTRA_CA_CERTS:-}" | grep . | sort -u || true
}

# registry_access - what reaching the package registries needs, and no more.
registry_access() {
	local -a sources=() files=()
	mapfile -t sources < <(ls -d /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null)
	rm -f -- "$ROOT"/etc/apt/sources.list "$ROOT"/etc/apt/sources.list.d/*
	copy_in /etc/resolv.conf "${sources[@]}"
	mapfile -t files < <(ls -d /usr/local/share/ca-certificates/* 2>/dev/null; ca_bundles)
	copy_in "${files[@]}"
	# apt's Acquire:: settings of this machine (such as a mirror whose
	# Release files are past Valid-Until)
	apt-config dump Acquire | grep -v '^Acquire::IndexTargets' \
		>"$ROOT/etc/apt/apt.conf.d/00acme-fresh-acquire" || true
	# the keyrings those sources name
	((${#sources[@]} == 0)) ||
		mapfile -t files < <(grep -ho 'Signed-By: *[^ ]*\|signed-by=[^] ]*' "${sources[@]}" |
			sed 's/^Signed-By: *//; s/^signed-by=//' | sort -u)
	copy_in "${files[@]}"
}

# clone - this repository's commit REF in /root/acme of the root.
clone() {
	local commit
	commit="$(git -C "$ACME_ROOT" rev-parse --verify -q "$REF^{commit}")" || {
		log "error: no commit '$REF' in $ACME_ROOT"
		return 1
	}
	[[ -z "$(git -C "$ACME_ROOT" status --porcelain --untracked-files=no)" || "$REF" != HEAD ]] ||
		warn "$ACME_ROOT has uncommitted changes: they are not in the check"
	# the clone, then the commit fetched by its id: REF may be any commit
	git clone -q --no-hardlinks "$ACME_ROOT" "$ROOT/root/acme" &&
		git -C "$ROOT/root/acme" fetch -q origin "$commit" &&
		git -C "$ROOT/root/acme" checkout -q --detach "$commit" || return 1
	[[ "$(git -C "$ROOT/root/acme" rev-parse HEAD)" == "$commit" ]] || return 1
	log "cloned $commit into $ROOT/root/acme"
}

# in_root CMD - run CMD with bash -c in the root, from /root/acme, as a
# root login there, in mount and pid namespaces of its own: its mounts go
# away with it, and killing the unshare (INROOT_PID) kills all it started.
# Of this machine's environment it gets only the CA bundles and proxies.
in_root() {
	local v rc=0
	local -a envs=(HOME=/root PATH="$FRESH_PATH" TERM=dumb USER=root LOGNAME=root)
	for v in SSL_CERT_FILE NODE_EXTRA_CA_CERTS http_proxy https_proxy no_proxy; do
		[[ -z "${!v:-}" ]] || envs+=("$v=${!v}")
	done
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --pid --fork --kill-child --propagation private -- bash -euc '
		r="$1"; shift
		mount -t proc proc "$r/proc"
		mount -t sysfs sysfs "$r/sys"
		mount --rbind /dev "$r/dev"
		exec chroot "$r" /usr/bin/env -i "$@"
	' fresh "$ROOT" "${envs[@]}" /bin/bash -c "cd /root/acme && $1" </dev/null &
	INROOT_PID=$!
	wait "$INROOT_PID" || rc=$?
	INROOT_PID=""
	return "$rc"
}

# transcript - the seed's transcript as README.md shows it: the lines of
# its block that starts "# modprobe hello".
transcript() {
	awk '/^```/ { if (inb) exit; fence = 1; next }
		fence && $0 == "# modprobe hello" { inb = 1 }
		{ fence = 0 }
		inb { print }' "$ROOT/root/acme/README.md"
}

# installed_packages - the packages installed in the root, one a line.
installed_packages() {
	# shellcheck disable=SC2016 # dpkg's format, not the shell's
	chroot "$ROOT" dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' |
		awk '$1 == "ii" { print $2 }' | sort
}

# seed_transcript LOG - the transcript's lines appear in LOG in order.
seed_transcript() {
	local log="$1" line n=0
	local -a want=() lines=()
	mapfile -t want < <(transcript)
	if ((${#want[@]} < 4)); then
		echo "# README.md shows no transcript (a block that starts '# modprobe hello')"
		return 1
	fi
	mapfile -t lines < <(tr -d '\r' <"$log")
	for line in "${lines[@]}"; do
		if [[ "$line" == "${want[n]}" ]]; then
			n=$((n + 1))
			((n < ${#want[@]})) || return 0
		fi
	done
	echo "# scripts/run did not print the seed transcript: '${want[n]}' is missing (line $((n + 1)) of README.md's)"
	return 1
}

# step NAME CMD... - one KTAP line for CMD, with its time; on failure the
# end of its log (the file CMD names in STEP_LOG).
STEP_LOG=""
step() {
	local name="$1" t0 rc=0
	shift
	STEP_LOG=""
	t0="$(now_ms)"
	"$@" || rc=$?
	if ((rc == 0)); then
		ktap_ok "$name ($(secs_since "$t0") s)"
	else
		ktap_not_ok "$name ($(secs_since "$t0") s, exit status $rc)"
		[[ -z "$STEP_LOG" || ! -f "$STEP_LOG" ]] || {
			tail -n 25 "$STEP_LOG" | sed 's/^/# /'
			echo "# full log: $STEP_LOG"
		}
	fi
	return "$rc"
}

# run_logged LOG CMD - in_root CMD, its output into LOG.
run_logged() {
	STEP_LOG="$1"
	in_root "$2" >"$1" 2>&1
}

# times - the time of the packages, the build, the boot and the tests,
# from what the two commands logged ("acme: time: ..." lines; the groups
# of scripts/test log into the root's cache).
times() {
	local run="$LOGS/run.log" test="$LOGS/test.log" pk
	pk="$({
		cat "$run" "$test" || true
		find "$ROOT/root/.cache/acme/logs" -name '*.log' -exec cat {} + || true
	} 2>/dev/null | awk '/^acme: time: installing packages / { t += $(NF - 1) } END { printf "%.0f", t }')"
	echo "# time: packages $pk s (both commands)"
	awk '
		/^acme: time: tree / { tr += $(NF - 1) }
		/^acme: time: kernel build / { kb += $(NF - 1) }
		/^acme: time: kselftest build / { ks += $(NF - 1) }
		/^acme: guest exited with status .* after [0-9]+ s$/ { bo += $(NF - 1) }
		END {
			printf "# time: source and series %.0f s, kernel build %.0f s, kselftest %.0f s (scripts/run)\n", tr, kb, ks
			printf "# time: boot and demo %.0f s (scripts/run)\n", bo
		}' "$run" 2>/dev/null || true
	sed -n 's/^# total time \([0-9]*\) s.*/# time: tests \1 s (scripts\/test --quick)/p' "$test" 2>/dev/null || true
}

# packages_summary FILE - how many packages FILE lists, by kind, and the
# names of those that are not libraries, node or python modules.
packages_summary() {
	local f="$1" kind n
	printf '# packages the two commands installed: %d (list: %s)\n' "$(wc -l <"$f")" "$f"
	for kind in lib node- python3-; do
		n="$(grep -c "^$kind" "$f" || true)"
		printf '#   %s*: %d\n' "$kind" "$n"
	done
	printf '#   the others: %s\n' "$(grep -Ev '^(lib|node-|python3-)' "$f" | tr '\n' ' ')"
}

# cleanup - kill what still runs in the root, keep the commands' own logs,
# remove the root.
cleanup() {
	if [[ -n "$INROOT_PID" ]]; then
		kill "$INROOT_PID" 2>/dev/null || true
		wait "$INROOT_PID" 2>/dev/null || true
	fi
	if [[ -d "$ROOT/root/.cache/acme/logs" ]]; then
		rm -rf -- "$LOGS/root-logs"
		cp -r -- "$ROOT/root/.cache/acme/logs" "$LOGS/root-logs" || true
	fi
	((KEEP)) || remove_root
}

main() {
	opts_parse --ref=REF --keep!KEEP -- "$@"
	opts_none
	((EUID == 0)) || die "the fresh-machine check needs root (debootstrap, chroot, mount)"
	need debootstrap:debootstrap git:git unshare:util-linux findmnt:util-linux
	mkdir -p -- "$DIR" "$LOGS"
	acme_lock fresh
	remove_root
	trap cleanup EXIT
	trap 'log "interrupted"; exit 130' INT TERM
	rm -rf -- "$LOGS"/*.log "$LOGS"/*.txt "$LOGS/root-logs"

	ktap_begin
	step "debootstrap --variant=minbase $SUITE" debootstrap_root || return 1
	registry_access
	step "clone $REF into the root" clone || return 1
	installed_packages >"$LOGS/packages-minbase.txt"
	if step "scripts/run" run_logged "$LOGS/run.log" scripts/run; then
		step "scripts/run printed the seed transcript" seed_transcript "$LOGS/run.log" || true
		installed_packages >"$LOGS/packages-run.txt"
		step "scripts/test --quick" run_logged "$LOGS/test.log" "scripts/test --quick" || true
	fi
	times
	comm -13 "$LOGS/packages-minbase.txt" <(installed_packages) >"$LOGS/packages.txt"
	[[ ! -f "$LOGS/packages-run.txt" ]] ||
		echo "# packages: scripts/run installed $(comm -13 "$LOGS/packages-minbase.txt" "$LOGS/packages-run.txt" | wc -l), scripts/test --quick $(comm -13 "$LOGS/packages-run.txt" <(installed_packages) | wc -l) more"
	packages_summary "$LOGS/packages.txt"
	ktap_end
}

main "$@"
