/*
 * fib/group6.h - internal to fib/: the IPv6 FIB's ECMP groups (struct fib6_group), the
 * table of group.h over struct fib6_path.
 */
#ifndef FIB_GROUP6_H
#define FIB_GROUP6_H

#include "fib/fib6.h"
#include "fib/group.h"

#define GT_PATH   struct fib6_path
#define GT_(name) fib6_##name
#include "fib/group_tmpl.h"
#undef GT_
#undef GT_PATH

#endif
