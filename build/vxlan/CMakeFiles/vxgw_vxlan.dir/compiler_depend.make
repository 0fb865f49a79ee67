# Empty compiler generated dependencies file for vxgw_vxlan.
# This may be replaced when dependencies are built.
