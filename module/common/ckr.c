/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "common/ckr.h"
#include "common/log.h"

/* Errors every kernel path shares; 0 when @err is not one of them. */
static CK_RV
ckr_common(int err)
{
	switch (err) {
	case ENOMEM:
	case ENOBUFS:
		return CKR_HOST_MEMORY;
	case EMFILE:
	case ENFILE:
		log_msg("out of file descriptors (%s): raise \"ulimit -n\"; the module holds "
			"AF_ALG descriptors only while an operation is active",
			err == EMFILE ? "EMFILE" : "ENFILE");
		return CKR_HOST_MEMORY;
	case EDQUOT:
		log_msg("the kernel's key quota of this uid is full (EDQUOT): see /proc/key-users "
			"and the sysctls kernel.keys.maxkeys and kernel.keys.maxbytes");
		return CKR_DEVICE_MEMORY;
	case EINTR:
		return CKR_FUNCTION_CANCELED;
	default:
		return CKR_OK;
	}
}

CK_RV
ckr_from_key_read_errno(int err)
{
	CK_RV rv = ckr_common(err);

	if (rv != CKR_OK)
		return rv;
	switch (err) {
	case ENOKEY:
	case EKEYREVOKED:
	case EKEYEXPIRED:
	case EACCES: /* a key we may not view is, to this caller, absent */
	case EPERM:
	case EINVAL: /* serial 0 or negative: not an object handle */
		return CKR_OBJECT_HANDLE_INVALID;
	default:
		return CKR_DEVICE_ERROR;
	}
}

CK_RV
ckr_from_key_write_errno(int err)
{
	CK_RV rv = ckr_common(err);

	if (rv != CKR_OK)
		return rv;
	switch (err) {
	case ENOKEY:
	case EKEYREVOKED:
	case EKEYEXPIRED:
		return CKR_OBJECT_HANDLE_INVALID;
	case EACCES:
	case EPERM:
		return CKR_TOKEN_WRITE_PROTECTED;
	case EINVAL: /* a payload or description the key type refuses */
		return CKR_ATTRIBUTE_VALUE_INVALID;
	default:
		return CKR_DEVICE_ERROR;
	}
}

CK_RV
ckr_from_key_extract_errno(int err)
{
	CK_RV rv = ckr_common(err);

	if (rv != CKR_OK)
		return rv;
	switch (err) {
	case ENOKEY:
	case EKEYREVOKED:
	case EKEYEXPIRED:
		return CKR_KEY_HANDLE_INVALID;
	case EACCES: /* neither readable nor possessed with search permission */
	case EPERM:
	case EOPNOTSUPP: /* a key type without a read method */
		return CKR_KEY_UNEXTRACTABLE;
	default:
		return CKR_DEVICE_ERROR;
	}
}

CK_RV
ckr_from_key_use_errno(int err)
{
	CK_RV rv = ckr_common(err);

	if (rv != CKR_OK)
		return rv;
	switch (err) {
	case ENOKEY:
	case EKEYREVOKED:
	case EKEYEXPIRED:
		return CKR_KEY_HANDLE_INVALID;
	case EACCES:
	case EPERM:
		log_msg("the kernel refused to key AF_ALG with a key (%s): the key must grant "
			"search and be possessed, i.e. reachable from this process's keyrings "
			"(\"keyctl link @u @s\" for keys in the user keyring)",
			err == EACCES ? "EACCES" : "EPERM");
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	case ENOPROTOOPT: /* keyring or asymmetric key, or kernel < 6.2 */
		log_msg("the kernel cannot key AF_ALG with this key (ENOPROTOOPT): only user, "
			"logon, encrypted and trusted keys can, from Linux 6.2 on");
		return CKR_KEY_TYPE_INCONSISTENT;
	case EINVAL: /* the algorithm refused the key length */
		return CKR_KEY_SIZE_RANGE;
	case ENOENT:
	case EAFNOSUPPORT:
		return CKR_MECHANISM_INVALID;
	default:
		return CKR_DEVICE_ERROR;
	}
}

CK_RV
ckr_from_crypto_errno(int err)
{
	CK_RV rv = ckr_common(err);

	if (rv != CKR_OK)
		return rv;
	switch (err) {
	case ENOENT:
	case EAFNOSUPPORT:
		return CKR_MECHANISM_INVALID;
	case ENOKEY:
		return CKR_KEY_HANDLE_INVALID;
	case EBADMSG:
		return CKR_ENCRYPTED_DATA_INVALID;
	default:
		return CKR_DEVICE_ERROR;
	}
}

CK_RV
output_buffer_check(const void *out, CK_ULONG *out_len, size_t needed)
{
	CK_ULONG have;

	if (out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	have = *out_len;
	*out_len = needed;
	if (out == NULL)
		return CKR_OK;
	if (have < needed)
		return CKR_BUFFER_TOO_SMALL;
	return CKR_OK;
}

#define NAME(x)                                                                                    \
	{                                                                                          \
		x, #x                                                                              \
	}
static const struct {
	CK_RV rv;
	const char *name;
} ckr_names[] = {
	NAME(CKR_OK),
	NAME(CKR_CANCEL),
	NAME(CKR_HOST_MEMORY),
	NAME(CKR_SLOT_ID_INVALID),
	NAME(CKR_GENERAL_ERROR),
	NAME(CKR_FUNCTION_FAILED),
	NAME(CKR_ARGUMENTS_BAD),
	NAME(CKR_CANT_LOCK),
	NAME(CKR_ACTION_PROHIBITED),
	NAME(CKR_ATTRIBUTE_READ_ONLY),
	NAME(CKR_ATTRIBUTE_SENSITIVE),
	NAME(CKR_ATTRIBUTE_TYPE_INVALID),
	NAME(CKR_ATTRIBUTE_VALUE_INVALID),
	NAME(CKR_DATA_INVALID),
	NAME(CKR_DATA_LEN_RANGE),
	NAME(CKR_DEVICE_ERROR),
	NAME(CKR_DEVICE_MEMORY),
	NAME(CKR_FUNCTION_CANCELED),
	NAME(CKR_FUNCTION_NOT_SUPPORTED),
	NAME(CKR_ENCRYPTED_DATA_INVALID),
	NAME(CKR_ENCRYPTED_DATA_LEN_RANGE),
	NAME(CKR_KEY_HANDLE_INVALID),
	NAME(CKR_KEY_SIZE_RANGE),
	NAME(CKR_KEY_TYPE_INCONSISTENT),
	NAME(CKR_KEY_FUNCTION_NOT_PERMITTED),
	NAME(CKR_MECHANISM_INVALID),
	NAME(CKR_MECHANISM_PARAM_INVALID),
	NAME(CKR_OBJECT_HANDLE_INVALID),
	NAME(CKR_OPERATION_ACTIVE),
	NAME(CKR_OPERATION_NOT_INITIALIZED),
	NAME(CKR_SESSION_CLOSED),
	NAME(CKR_SESSION_HANDLE_INVALID),
	NAME(CKR_SESSION_PARALLEL_NOT_SUPPORTED),
	NAME(CKR_SESSION_READ_ONLY_EXISTS),
	NAME(CKR_TOKEN_NOT_PRESENT),
	NAME(CKR_TOKEN_WRITE_PROTECTED),
	NAME(CKR_USER_ALREADY_LOGGED_IN),
	NAME(CKR_KEY_UNEXTRACTABLE),
	NAME(CKR_KEY_INDIGESTIBLE),
	NAME(CKR_KEY_NOT_WRAPPABLE),
	NAME(CKR_WRAPPED_KEY_INVALID),
	NAME(CKR_WRAPPED_KEY_LEN_RANGE),
	NAME(CKR_WRAPPING_KEY_HANDLE_INVALID),
	NAME(CKR_WRAPPING_KEY_TYPE_INCONSISTENT),
	NAME(CKR_UNWRAPPING_KEY_HANDLE_INVALID),
	NAME(CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT),
	NAME(CKR_SIGNATURE_INVALID),
	NAME(CKR_SIGNATURE_LEN_RANGE),
	NAME(CKR_SESSION_READ_ONLY),
	NAME(CKR_USER_ANOTHER_ALREADY_LOGGED_IN),
	NAME(CKR_SESSION_READ_WRITE_SO_EXISTS),
	NAME(CKR_FUNCTION_NOT_PARALLEL),
	NAME(CKR_USER_NOT_LOGGED_IN),
	NAME(CKR_USER_TYPE_INVALID),
	NAME(CKR_TEMPLATE_INCOMPLETE),
	NAME(CKR_TEMPLATE_INCONSISTENT),
	NAME(CKR_BUFFER_TOO_SMALL),
	NAME(CKR_RANDOM_SEED_NOT_SUPPORTED),
	NAME(CKR_CRYPTOKI_NOT_INITIALIZED),
	NAME(CKR_CRYPTOKI_ALREADY_INITIALIZED),
	NAME(CKR_MUTEX_BAD),
	NAME(CKR_MUTEX_NOT_LOCKED),
};
#undef NAME

const char *
ckr_name(CK_RV rv)
{
	for (size_t i = 0; i < sizeof(ckr_names) / sizeof(ckr_names[0]); i++)
		if (ckr_names[i].rv == rv)
			return ckr_names[i].name;
	return NULL;
}
