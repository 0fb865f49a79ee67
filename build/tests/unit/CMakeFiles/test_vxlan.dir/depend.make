# Empty dependencies file for test_vxlan.
# This may be replaced when dependencies are built.
