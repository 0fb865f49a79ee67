file(REMOVE_RECURSE
  "libvxgw_common.a"
)
