# Empty compiler generated dependencies file for vxgw_common.
# This may be replaced when dependencies are built.
