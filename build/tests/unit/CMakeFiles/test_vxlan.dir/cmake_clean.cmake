file(REMOVE_RECURSE
  "CMakeFiles/test_vxlan.dir/test_vxlan.c.o"
  "CMakeFiles/test_vxlan.dir/test_vxlan.c.o.d"
  "test_vxlan"
  "test_vxlan.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_vxlan.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
