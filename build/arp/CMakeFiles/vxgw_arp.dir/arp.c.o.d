arp/CMakeFiles/vxgw_arp.dir/arp.c.o: /work/main/arp/arp.c \
 /usr/include/stdc-predef.h
