file(REMOVE_RECURSE
  "libvxgw_fib.a"
)
