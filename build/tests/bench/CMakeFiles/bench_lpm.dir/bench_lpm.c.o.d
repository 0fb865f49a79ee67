tests/bench/CMakeFiles/bench_lpm.dir/bench_lpm.c.o: \
 /work/main/tests/bench/bench_lpm.c /usr/include/stdc-predef.h
