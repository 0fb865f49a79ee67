file(REMOVE_RECURSE
  "CMakeFiles/test_fib.dir/test_fib.c.o"
  "CMakeFiles/test_fib.dir/test_fib.c.o.d"
  "test_fib"
  "test_fib.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_fib.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
