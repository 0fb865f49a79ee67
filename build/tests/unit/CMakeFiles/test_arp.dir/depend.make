# Empty dependencies file for test_arp.
# This may be replaced when dependencies are built.
