# Empty compiler generated dependencies file for vxgw_arp.
# This may be replaced when dependencies are built.
