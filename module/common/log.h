/* SPDX-License-Identifier: MIT */
/*
 * The debug log: KEYRING_PKCS11_DEBUG=1 (or "stderr") writes to stderr, any
 * other non-empty value names a file the lines are appended to. One line per
 * PKCS#11 call with its CKR name, and one per fact a user can act on (no
 * AF_ALG, no keying by serial). Never key bytes, payloads or PINs: callers
 * pass names, codes and numbers only.
 */
#ifndef KP11_LOG_H
#define KP11_LOG_H

#include <stdbool.h>

#include "common/pkcs11.h"

/* Whether KEYRING_PKCS11_DEBUG asks for a log (read once per process). */
bool log_enabled(void);
/* One line, "keyring-pkcs11[pid]: " and the formatted text. */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "C_Encrypt = CKR_OK"; returns @rv. */
CK_RV log_rv(const char *function, CK_RV rv);

#endif
