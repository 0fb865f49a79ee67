#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test with ctest.
#
# Four phases, each timed:
#   1. build/       Release build, every test (unit + end-to-end) with ctest;
#   2. build-asan/  the same tests built with ASan + UBSan (-DVXGW_SANITIZE=ON): vxgwd and
#                   vxgw-cli run sanitized in the netns lab. A sanitizer report from any
#                   process (LeakSanitizer at vxgwd's clean exit on SIGTERM included) fails
#                   the phase, also when the test that ran it did not look at its exit status:
#                   every report is written under build-asan/sanitizer/ and listed;
#   3. build-tsan/  ThreadSanitizer (-DVXGW_TSAN=ON) on what has threads: test_fast (the
#                   worker rings), test_workers (real worker threads) and e2e_workers
#                   (vxgwd with workers in the lab, its snapshot republished under traffic);
#                   any report fails the phase (files under build-tsan/sanitizer/);
#   4. build-fuzz/  clang + libFuzzer (-DVXGW_FUZZ=ON): tests/fuzz/run.sh runs each fuzz target
#                   for VXGW_FUZZ_SECONDS (default 60) on a copy of its seed corpus; anything
#                   found fails the phase (the input is kept in build-fuzz/fuzz-out/).
# Extra arguments go to each ctest run (e.g. -R test_cli, -L e2e).
# VXGW_TEST_PHASES picks phases (default "main asan tsan fuzz").
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/deps.sh test || exit 1
phases=${VXGW_TEST_PHASES:-main asan tsan fuzz}
jobs=$(nproc)
t_all=$SECONDS
failed=()
summary=()

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# run_phase NAME CMD...: runs a phase, records its time and its result.
run_phase() {
	local name=$1 t0=$SECONDS rc
	shift
	echo
	echo "=================== phase $name ==================="
	"$@"
	rc=$?
	local dt=$((SECONDS - t0))
	echo "=================== phase $name: $([ $rc = 0 ] && echo passed || echo FAILED) in $(fmt_time $dt)"
	summary+=("$(printf '%-6s %-7s %s' "$name" "$([ $rc = 0 ] && echo passed || echo FAILED)" "$(fmt_time $dt)")")
	[ $rc = 0 ] || failed+=("$name")
}

# ctest_summary LOG: the summary ctest printed at the end of LOG.
ctest_summary() { sed -n '/tests passed, .* tests failed out of/,$p' "$1"; }

phase_main() {
	rm -f build/ctest.log
	scripts/build.sh || return 1
	(cd build && ctest --output-on-failure --timeout 1800 "$@") 2>&1 | tee build/ctest.log
}

phase_asan() {
	rm -f build-asan/ctest.log build-asan/ctest-soak.log
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVXGW_SANITIZE=ON >/dev/null &&
		cmake --build build-asan -j"$jobs" || return 1
	local san=$root/build-asan/sanitizer
	rm -rf "$san"
	mkdir -p "$san"
	# Reports go to files (log_path), so that one from a daemon whose exit status nobody
	# checks is seen too; abort_on_error=0: exit with an error status, no core dump.
	export ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:log_path=$san/asan
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$san/ubsan
	# The e2e tests' TIMEOUTs (120-420 s) leave a wide margin under ASan (the lab tests
	# take about as long as without: they wait on pings and timers, not on the CPU).
	# The kernel-gateway baseline does not run vxgwd: not run again here. Nor do the
	# workers-0 runs (label w0): the main thread's forwarding of every packet runs under
	# ASan in fuzz_pipeline and fuzz_fastpath, and its exceptions in every e2e test here. e2e_soak checks
	# that vxgwd's RSS stays flat through 3 minutes of churn, and e2e_hostile that a second
	# round of storms adds nothing, which ASan's quarantine of freed memory (256 MiB by
	# default) defeats — the workers' forwarding snapshots are rebuilt, i.e. freed and
	# allocated again, as MACs are learned: they run on their own with a 1 MiB one.
	# e2e_reload asserts zero loss in a 50/s ping across a SIGHUP: a timing assertion
	# that the main phase checks; under ASan the reload itself is several times slower, so
	# here it would measure the sanitizer, not the gateway (reload code paths run under
	# ASan in e2e_cli, e2e_telnet and e2e_soak). e2e_anycast and e2e_dot1q add no code of
	# their own to what runs sanitized: their forwarding (anycast BDIFs, sub-interfaces)
	# runs under ASan in fuzz_pipeline and fuzz_fastpath, their drivers and configuration
	# in e2e_forwarding, e2e_uplink and e2e_cli. The AF_XDP driver runs sanitized in
	# e2e_forwarding_xdp (the uplinks' AF_XDP sockets too) and e2e_workers_xdp (handovers);
	# e2e_underlay6_xdp, e2e_l2gw_xdp and e2e_dot1q_xdp add no code to it (the IPv6 frames'
	# checks run under ASan in fuzz_frame, the ports' in e2e_l2gw; the tags are the XDP
	# program's to leave alone), and e2e_hostile_xdp would measure ASan's quarantine as
	# e2e_hostile does. The soak's churn runs 60 s here (180 s
	# in the main phase): its code paths, not its length, are what ASan checks.
	local args=("$@") soak=()
	if [ ${#args[@]} -eq 0 ]; then
		args=(-LE 'kernel|w0' -E '^(e2e_soak|e2e_hostile|e2e_reload|e2e_anycast|e2e_dot1q|e2e_underlay6_xdp|e2e_l2gw_xdp|e2e_dot1q_xdp|e2e_hostile_xdp)$')
		soak=(-R '^(e2e_soak|e2e_hostile)$')
	fi
	local rc=0
	(cd build-asan && ctest --output-on-failure --timeout 1800 "${args[@]}") 2>&1 |
		tee build-asan/ctest.log || rc=1
	if [ ${#soak[@]} -gt 0 ]; then
		(cd build-asan && ASAN_OPTIONS=$ASAN_OPTIONS:quarantine_size_mb=1 \
			VXGW_SOAK_SECONDS=${VXGW_SOAK_SECONDS:-60} ctest --output-on-failure --timeout 1800 "${soak[@]}") 2>&1 |
			tee build-asan/ctest-soak.log || rc=1
	fi
	unset ASAN_OPTIONS UBSAN_OPTIONS
	sanitizer_reports "$san" || rc=1
	return $rc
}

# sanitizer_reports DIR: lists the reports in DIR; fails when there is one.
sanitizer_reports() {
	[ -z "$(ls -A "$1")" ] && return 0
	echo "sanitizer reports ($1):"
	for f in "$1"/*; do
		echo "---- $f"
		head -n 60 "$f"
	done
	return 1
}

phase_tsan() {
	rm -f build-tsan/ctest.log
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVXGW_TSAN=ON >/dev/null &&
		cmake --build build-tsan -j"$jobs" --target vxgwd vxgw-cli test_fast test_workers ||
		return 1
	local san=$root/build-tsan/sanitizer rc=0
	rm -rf "$san"
	mkdir -p "$san"
	(cd build-tsan && TSAN_OPTIONS=halt_on_error=1:log_path=$san/tsan \
		ctest --output-on-failure --timeout 1800 -R '^(test_fast|test_workers|e2e_workers)$') 2>&1 |
		tee build-tsan/ctest.log || rc=1
	sanitizer_reports "$san" || rc=1
	return $rc
}

phase_fuzz() {
	rm -f build-fuzz/fuzz.log
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVXGW_FUZZ=ON \
		>/dev/null && cmake --build build-fuzz -j"$jobs" --target fuzz_pipeline fuzz_fastpath fuzz_config fuzz_nd \
		fuzz_acl_rule fuzz_frame ||
		return 1
	tests/fuzz/run.sh -b build-fuzz -t "${VXGW_FUZZ_SECONDS:-60}" 2>&1 | tee build-fuzz/fuzz.log
}

# fuzz_summary LOG: what a failed target reported (its sanitizer's or libFuzzer's lines and
# the input kept), so that the end of the output says what the fuzz phase found.
fuzz_summary() {
	grep -E '^== .*FAILED|^(SUMMARY|ERROR): |^==[0-9]+== ?ERROR|^(artifact_prefix|Test unit written|MS: )|ALARM|out-of-memory|check failed: |runtime error: |^-rw' \
		"$1" | head -n 30
}

for p in $phases; do
	case $p in
	main) run_phase main phase_main "$@" ;;
	asan) run_phase asan phase_asan "$@" ;;
	tsan) run_phase tsan phase_tsan ;;
	fuzz) run_phase fuzz phase_fuzz ;;
	*) echo "unknown phase $p (main, asan, tsan, fuzz)" >&2; exit 2 ;;
	esac
done

echo
echo "=================== summary ($(fmt_time $((SECONDS - t_all))) in all)"
printf '%s\n' "${summary[@]}"
if [[ " $phases " == *" asan "* ]] && [ -f build-asan/ctest.log ]; then
	echo "--- ctest, ASan + UBSan (build-asan):"
	ctest_summary build-asan/ctest.log
	if [ -f build-asan/ctest-soak.log ]; then
		echo "--- ctest, ASan + UBSan (build-asan), e2e_soak with a 1 MiB quarantine:"
		ctest_summary build-asan/ctest-soak.log
	fi
fi
if [[ " $phases " == *" tsan "* ]] && [ -f build-tsan/ctest.log ]; then
	echo "--- ctest, ThreadSanitizer (build-tsan):"
	ctest_summary build-tsan/ctest.log
fi
if [[ " $phases " == *" main "* ]] && [ -f build/ctest.log ]; then
	echo "--- ctest (build):"
	ctest_summary build/ctest.log
fi
if [[ " ${failed[*]} " == *" fuzz "* ]] && [ -f build-fuzz/fuzz.log ]; then
	echo "--- fuzz (build-fuzz), what failed:"
	fuzz_summary build-fuzz/fuzz.log
fi
if [ ${#failed[@]} -gt 0 ]; then
	echo "FAILED phases: ${failed[*]}"
	exit 1
fi
exit 0
