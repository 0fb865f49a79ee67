#!/usr/bin/env bash
# Runs the libFuzzer targets for a bounded time each, on a copy of their seed corpora.
#
# usage: tests/fuzz/run.sh [-b BUILD_DIR] [-t SECONDS] [-o OUT_DIR] [TARGET...]
#   BUILD_DIR  a build configured with CC=clang -DVXGW_FUZZ=ON   (default: build-fuzz)
#   SECONDS    per target                                (default: $VXGW_FUZZ_SECONDS or 60)
#   OUT_DIR    work corpora, logs and any crashing input  (default: BUILD_DIR/fuzz-out)
#   TARGET     fuzz_pipeline, fuzz_fastpath, fuzz_config, fuzz_config_model, fuzz_nd,
#              fuzz_acl_rule, fuzz_frame (default: all; fuzz_nd, fuzz_acl_rule and
#              fuzz_frame get half a slot)
#              fuzz_config and fuzz_config_model, run together, share one slot of SECONDS
#              (half each): the same language, the one with the gateway, the other alone.
# Exits non-zero if a target fails: a crash, a sanitizer report, a failed check, a leak,
# a timeout (an input running longer than 10 s) or running out of memory. The input is
# left in OUT_DIR/TARGET/ (crash-*, leak-*, timeout-*, oom-*); replay it with
#   BUILD_DIR/tests/fuzz/TARGET FILE
# and, once fixed, keep it as a regression under tests/fuzz/regressions/TARGET_SUFFIX/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build-fuzz
secs=${VXGW_FUZZ_SECONDS:-60}
out=
while getopts b:t:o: opt; do
	case $opt in
	b) build=$(cd "$OPTARG" && pwd) ;;
	t) secs=$OPTARG ;;
	o) out=$OPTARG ;;
	*) sed -n '2,16p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
out=${out:-$build/fuzz-out}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_pipeline fuzz_fastpath fuzz_config fuzz_nd fuzz_acl_rule fuzz_frame)
[ $# -gt 0 ] || targets+=(fuzz_config_model)
config_slots=0 # both config targets in this run: they share one slot of $secs
for t in "${targets[@]}"; do
	case $t in fuzz_config | fuzz_config_model) config_slots=$((config_slots + 1)) ;; esac
done

# halt on the first report; LeakSanitizer on (libFuzzer also checks each input for leaks)
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

status=0
for t in "${targets[@]}"; do
	bin=$build/tests/fuzz/$t
	[ -x "$bin" ] || { echo "$t: $bin not built (CC=clang cmake -DVXGW_FUZZ=ON)" >&2; exit 2; }
	name=${t#fuzz_}
	[ "$t" != fuzz_config_model ] || name=config # the same language: the same seeds and dict
	work=$out/$t
	rm -rf "$work"
	mkdir -p "$work/corpus"
	cp "$here/corpus/$name"/* "$work/corpus/"
	if [ -d "$here/regressions/$name" ]; then
		find "$here/regressions/$name" -maxdepth 1 -type f ! -name '.*' \
			-exec cp {} "$work/corpus/" \;
	fi
	tsecs=$secs
	# the ND parser is a few hundred lines: half a slot covers it (its replay test holds
	# the seeds and what was found)
	[ "$t" != fuzz_nd ] || tsecs=$(((secs + 1) / 2))
	# an entry is one line of words: half a slot too (its replay test holds the seeds)
	[ "$t" != fuzz_acl_rule ] || tsecs=$(((secs + 1) / 2))
	# the frame parser is a few headers deep: half a slot too (its replay test holds the seeds)
	[ "$t" != fuzz_frame ] || tsecs=$(((secs + 1) / 2))
	if [ $config_slots -eq 2 ]; then
		case $t in fuzz_config | fuzz_config_model) tsecs=$(((secs + 1) / 2)) ;; esac
	fi
	opts=(-max_total_time="$tsecs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
	      -artifact_prefix="$work/" -dict="$here/$name.dict")
	case $t in
	fuzz_config)
		cp "$root"/tests/config/*.conf "$root"/etc/vxgw.conf "$work/corpus/"
		opts+=(-max_len=8192) ;;
	fuzz_config_model) # ~30 lines: enough to relate them, short enough for ~1000/s
		cp "$root"/tests/config/*.conf "$root"/etc/vxgw.conf "$work/corpus/"
		opts+=(-max_len=1024) ;;
	fuzz_pipeline)
		opts+=(-max_len=12000) ;;
	fuzz_nd)
		opts+=(-max_len=2048) ;;
	fuzz_acl_rule)
		opts+=(-max_len=2048) ;;
	fuzz_frame) # a 1500-byte MTU's frames and then some: jumbo frames are the same code
		opts+=(-max_len=2048) ;;
	fuzz_fastpath)
		# the same records: the pipeline's seeds and regressions are seeds here too
		cp "$here"/corpus/pipeline/* "$work/corpus/"
		find "$here/regressions/pipeline" -maxdepth 1 -type f ! -name '.*' \
			-exec cp {} "$work/corpus/" \;
		opts=("${opts[@]/#-dict=*/-dict=$here/pipeline.dict}" -max_len=12000) ;;
	esac
	n=$(find "$work/corpus" -type f | wc -l)
	echo "== $t: ${tsecs}s on $n seeds ($work)"
	start=$SECONDS
	if "$bin" "${opts[@]}" "$work/corpus" >"$work/log" 2>&1; then
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|DONE' \
			"$work/log" | tr '\n' ' ' || true
		echo
		echo "== $t: clean after $((SECONDS - start))s"
	else
		status=1
		echo "== $t: FAILED after $((SECONDS - start))s; the end of its log ($work/log):"
		tail -n 60 "$work/log"
		ls -l "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null || true
	fi
done
exit $status
