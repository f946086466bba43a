/* SPDX-License-Identifier: MIT */
#ifndef KP11_COMPILER_H
#define KP11_COMPILER_H

#define UNUSED __attribute__((unused))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
