# Empty compiler generated dependencies file for bench_lpm.
# This may be replaced when dependencies are built.
