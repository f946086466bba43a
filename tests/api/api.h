/* SPDX-License-Identifier: MIT */
/* Shared helpers of the API tests: the module under test, loaded with dlopen. */
#ifndef KP11_TEST_API_H
#define KP11_TEST_API_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/ckr.h"
#include "common/pkcs11.h"

#define SESSION_SLOT 0x12
#define USER_SLOT 0x13

extern CK_FUNCTION_LIST *p11;

static inline const char *
rv_name(CK_RV rv)
{
	const char *name = ckr_name(rv);

	return name != NULL ? name : "CKR_?";
}

/* Compare two CK_RV and print both names on failure. */
#define assert_rv(call, want)                                                                      \
	do {                                                                                       \
		CK_RV got_ = (call), want_ = (want);                                               \
		if (got_ != want_)                                                                 \
			fail_msg("%s\n  got  %s (0x%lx)\n  want %s (0x%lx)", #call, rv_name(got_), \
				 got_, rv_name(want_), want_);                                     \
	} while (0)

#endif
