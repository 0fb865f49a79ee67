# Empty dependencies file for test_fib.
# This may be replaced when dependencies are built.
