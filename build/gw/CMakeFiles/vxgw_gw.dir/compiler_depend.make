# Empty compiler generated dependencies file for vxgw_gw.
# This may be replaced when dependencies are built.
