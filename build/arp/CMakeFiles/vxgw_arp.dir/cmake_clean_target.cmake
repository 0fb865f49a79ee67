file(REMOVE_RECURSE
  "libvxgw_arp.a"
)
