file(REMOVE_RECURSE
  "libvxgw_vxlan.a"
)
