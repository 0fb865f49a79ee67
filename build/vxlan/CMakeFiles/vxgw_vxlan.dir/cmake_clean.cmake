file(REMOVE_RECURSE
  "CMakeFiles/vxgw_vxlan.dir/bd.c.o"
  "CMakeFiles/vxgw_vxlan.dir/bd.c.o.d"
  "CMakeFiles/vxgw_vxlan.dir/vxlan.c.o"
  "CMakeFiles/vxgw_vxlan.dir/vxlan.c.o.d"
  "libvxgw_vxlan.a"
  "libvxgw_vxlan.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/vxgw_vxlan.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
