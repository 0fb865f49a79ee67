file(REMOVE_RECURSE
  "CMakeFiles/test_net.dir/test_net.c.o"
  "CMakeFiles/test_net.dir/test_net.c.o.d"
  "test_net"
  "test_net.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_net.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
