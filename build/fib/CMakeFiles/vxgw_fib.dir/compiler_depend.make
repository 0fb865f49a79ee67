# Empty compiler generated dependencies file for vxgw_fib.
# This may be replaced when dependencies are built.
