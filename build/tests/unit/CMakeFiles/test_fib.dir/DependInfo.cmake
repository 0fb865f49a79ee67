
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tests/unit/test_fib.c" "tests/unit/CMakeFiles/test_fib.dir/test_fib.c.o" "gcc" "tests/unit/CMakeFiles/test_fib.dir/test_fib.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/fib/CMakeFiles/vxgw_fib.dir/DependInfo.cmake"
  "/work/main/build/common/CMakeFiles/vxgw_common.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
