
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/vxlan/bd.c" "vxlan/CMakeFiles/vxgw_vxlan.dir/bd.c.o" "gcc" "vxlan/CMakeFiles/vxgw_vxlan.dir/bd.c.o.d"
  "/work/main/vxlan/vxlan.c" "vxlan/CMakeFiles/vxgw_vxlan.dir/vxlan.c.o" "gcc" "vxlan/CMakeFiles/vxgw_vxlan.dir/vxlan.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/common/CMakeFiles/vxgw_common.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
