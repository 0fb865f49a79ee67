file(REMOVE_RECURSE
  "CMakeFiles/vxgw_gw.dir/pipeline.c.o"
  "CMakeFiles/vxgw_gw.dir/pipeline.c.o.d"
  "libvxgw_gw.a"
  "libvxgw_gw.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/vxgw_gw.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
