fib/CMakeFiles/vxgw_fib.dir/fib.c.o: /work/main/fib/fib.c \
 /usr/include/stdc-predef.h
