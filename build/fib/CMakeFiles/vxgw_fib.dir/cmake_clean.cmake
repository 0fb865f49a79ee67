file(REMOVE_RECURSE
  "CMakeFiles/vxgw_fib.dir/fib.c.o"
  "CMakeFiles/vxgw_fib.dir/fib.c.o.d"
  "libvxgw_fib.a"
  "libvxgw_fib.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/vxgw_fib.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
