# CMake generated Testfile for 
# Source directory: /work/main/tests/unit
# Build directory: /work/main/build/tests/unit
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_fib "/work/main/build/tests/unit/test_fib")
set_tests_properties(test_fib PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/unit/CMakeLists.txt;2;vxgw_unit_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_arp "/work/main/build/tests/unit/test_arp")
set_tests_properties(test_arp PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/unit/CMakeLists.txt;4;vxgw_unit_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_vxlan "/work/main/build/tests/unit/test_vxlan")
set_tests_properties(test_vxlan PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/unit/CMakeLists.txt;6;vxgw_unit_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_pipeline "/work/main/build/tests/unit/test_pipeline")
set_tests_properties(test_pipeline PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/unit/CMakeLists.txt;8;vxgw_unit_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_net "/work/main/build/tests/unit/test_net")
set_tests_properties(test_net PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;7;add_test;/work/main/tests/unit/CMakeLists.txt;10;vxgw_unit_test;/work/main/tests/unit/CMakeLists.txt;0;")
