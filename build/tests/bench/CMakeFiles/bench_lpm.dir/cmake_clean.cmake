file(REMOVE_RECURSE
  "CMakeFiles/bench_lpm.dir/bench_lpm.c.o"
  "CMakeFiles/bench_lpm.dir/bench_lpm.c.o.d"
  "bench_lpm"
  "bench_lpm.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_lpm.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
