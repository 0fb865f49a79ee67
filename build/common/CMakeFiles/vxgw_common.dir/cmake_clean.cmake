file(REMOVE_RECURSE
  "CMakeFiles/vxgw_common.dir/net.c.o"
  "CMakeFiles/vxgw_common.dir/net.c.o.d"
  "libvxgw_common.a"
  "libvxgw_common.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/vxgw_common.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
