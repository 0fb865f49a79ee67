/*
 * vxlan/vtep.h - VTEP names: one 32-bit value for a remote VTEP of either family.
 *
 * The data plane names a VTEP by 32 bits everywhere (MAC table destinations, flood-peer
 * lists, learned peers, per-peer counters, pkt->outer_src/outer_dst): an IPv4 VTEP by its
 * address (host order), as before; an IPv6 VTEP or group by a name from this table, in
 * 240.0.0.0/4 (class E: never a unicast VTEP nor an IPv4 group), so that the MAC table slot
 * stays 16 bytes and every comparison stays one compare. Local L2 ports keep 1..65535
 * (bd_dest_is_port). VPP names its tunnels by sw_if_index for the same reason.
 *
 *   0.0.0.1 - 0.0.255.255      a local port (vxlan/bd.h)
 *   unicast IPv4 address       an IPv4 VTEP
 *   224.0.0.0/4                an IPv4 flood group
 *   0xf0000001 - 0xf7fffffe    an IPv6 VTEP (this table)
 *   0xf7ffffff                 VX_VTEP6_UNKNOWN: an IPv6 sender the table does not name
 *   0xf8000001 - 0xfffffffe    an IPv6 flood group (this table)
 *
 * The table belongs to the main thread (the configuration interns the peers and groups
 * it is given; decapsulation interns the senders a flood group's bridge domain accepts).
 * A name is never given to another address while the table lives (names are handed out
 * in order, 2^27 of each kind), so counters and MAC entries keyed by a name can never
 * mean another VTEP. Readers on other threads use an immutable copy (vx_vteps_clone),
 * published with their forwarding snapshot.
 */
#ifndef VXLAN_VTEP_H
#define VXLAN_VTEP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VX_VTEP6_FIRST   0xf0000001u
#define VX_VTEP6_LAST    0xf7fffffeu
#define VX_VTEP6_UNKNOWN 0xf7ffffffu
#define VX_GROUP6_FIRST  0xf8000001u
#define VX_GROUP6_LAST   0xfffffffeu
#define VX_VTEPS_MAX     65536 /* IPv6 VTEPs and groups named at once, at most */
#define VX_VTEP_STRLEN   46    /* INET6_ADDRSTRLEN */

/* An IPv6 VTEP or group name (VX_VTEP6_UNKNOWN included). */
static inline bool vx_vtep_is6(uint32_t name)
{
	return name >= VX_VTEP6_FIRST && name <= VX_GROUP6_LAST;
}

/* A flood group of either family: 224.0.0.0/4 or an IPv6 group name. */
static inline bool vx_vtep_is_group(uint32_t name)
{
	return (name >> 28) == 0xe || (name >= VX_GROUP6_FIRST && name <= VX_GROUP6_LAST);
}

struct vx_vteps;

/* Whether a may be a VTEP or group: not the unspecified address, loopback or link-local. */
bool vx_vtep6_addr_ok(const struct in6_addr *a);

/* capacity: 1..VX_VTEPS_MAX names at once; NULL outside that or without memory. */
struct vx_vteps *vx_vteps_create(uint32_t capacity);
void vx_vteps_destroy(struct vx_vteps *t);

/*
 * The name of IPv6 address a (a multicast address gets a group name, any other a VTEP
 * name): the one it has, or a new one. 0 when a is unspecified, loopback or link-local
 * (never a VTEP) or the table is full.
 */
uint32_t vx_vteps_add(struct vx_vteps *t, const struct in6_addr *a);
/* The name a has, or 0. Thread-safe on a clone; on the main thread's table, the main thread only.
 */
uint32_t vx_vteps_find(const struct vx_vteps *t, const struct in6_addr *a);
/* The address named name, or NULL (an IPv4 name, VX_VTEP6_UNKNOWN, a name swept away). */
const struct in6_addr *vx_vteps_addr(const struct vx_vteps *t, uint32_t name);
/* How many names are held. */
size_t vx_vteps_count(const struct vx_vteps *t);
/* Moves whenever a name is added or swept: a copy is rebuilt when this moved. */
uint64_t vx_vteps_generation(const struct vx_vteps *t);

/*
 * Forgetting names no one uses (mark and sweep, about once a second when the table is
 * more than half full): vx_vteps_mark_begin, vx_vteps_keep for every name still
 * referenced (configuration, flood peers, learned peers, MAC entries), vx_vteps_sweep
 * drops the rest and returns how many.
 */
void vx_vteps_mark_begin(struct vx_vteps *t);
void vx_vteps_keep(struct vx_vteps *t, uint32_t name);
size_t vx_vteps_sweep(struct vx_vteps *t);

/* An immutable copy for readers on other threads (vx_vteps_find, vx_vteps_addr); NULL
 * without memory. Freed with vx_vteps_destroy. */
struct vx_vteps *vx_vteps_clone(const struct vx_vteps *t);

/*
 * Writes VTEP name (of either family; t may be NULL for IPv4 names) as text into buf:
 * dotted quad, IPv6 text, "unknown-ipv6" for VX_VTEP6_UNKNOWN or a name t does not hold.
 * Returns buf.
 */
const char *vx_vtep_fmt(const struct vx_vteps *t, uint32_t name, char buf[VX_VTEP_STRLEN]);

#endif
