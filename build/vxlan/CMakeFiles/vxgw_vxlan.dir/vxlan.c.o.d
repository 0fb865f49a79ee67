vxlan/CMakeFiles/vxgw_vxlan.dir/vxlan.c.o: /work/main/vxlan/vxlan.c \
 /usr/include/stdc-predef.h
