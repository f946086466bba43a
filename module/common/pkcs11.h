/* SPDX-License-Identifier: MIT */
/*
 * The one place that includes the PKCS#11 header (p11-kit's, v2.40) and
 * defines what that header lacks.
 */
#ifndef KP11_PKCS11_H
#define KP11_PKCS11_H

#include <p11-kit/pkcs11.h>

#endif
