file(REMOVE_RECURSE
  "CMakeFiles/test_arp.dir/test_arp.c.o"
  "CMakeFiles/test_arp.dir/test_arp.c.o.d"
  "test_arp"
  "test_arp.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_arp.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
