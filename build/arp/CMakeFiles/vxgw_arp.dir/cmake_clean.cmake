file(REMOVE_RECURSE
  "CMakeFiles/vxgw_arp.dir/arp.c.o"
  "CMakeFiles/vxgw_arp.dir/arp.c.o.d"
  "libvxgw_arp.a"
  "libvxgw_arp.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/vxgw_arp.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
