vxlan/CMakeFiles/vxgw_vxlan.dir/bd.c.o: /work/main/vxlan/bd.c \
 /usr/include/stdc-predef.h
