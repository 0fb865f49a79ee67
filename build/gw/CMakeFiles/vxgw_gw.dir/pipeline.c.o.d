gw/CMakeFiles/vxgw_gw.dir/pipeline.c.o: /work/main/gw/pipeline.c \
 /usr/include/stdc-predef.h
