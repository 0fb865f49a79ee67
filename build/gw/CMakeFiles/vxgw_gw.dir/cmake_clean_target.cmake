file(REMOVE_RECURSE
  "libvxgw_gw.a"
)
