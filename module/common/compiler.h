/* SPDX-License-Identifier: MIT */
#ifndef KP11_COMPILER_H
#define KP11_COMPILER_H

#include <stdint.h>

#define UNUSED __attribute__((unused))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * No object is larger than PTRDIFF_MAX bytes (C11 6.5.6; malloc refuses
 * more), so a caller's length beyond it describes no buffer the caller has:
 * the module refuses it before reading anything, which also keeps every size
 * computed from it (length + padding, + tag, + held bytes) from overflowing.
 */
#define LEN_IMPOSSIBLE(n) ((uintmax_t)(n) > (uintmax_t)PTRDIFF_MAX)

#endif
