/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/if_alg.h>

#include "crypto/afalg.h"

#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef SOL_ALG
#define SOL_ALG 279
#endif

/*
 * Bytes per sendmsg: under the default socket buffer (212,992 bytes,
 * KERNEL-FACTS.md fact 8) and a multiple of every block size, so a blocking
 * send never waits on a reader that is us. 128 KiB measured best for 1 MiB
 * of AES-CBC in the guest (MB/s: 16K 35.4, 32K 37.4, 64K 37.9, 128K 40.7,
 * 192K 39.6); vmsplice+splice through a pipe gave 39.2 (64K) and 41.2
 * (192K): within noise of plain sends, for two more descriptors per
 * session, so it is not used (docs/PERFORMANCE.md). Hashes: no difference.
 */
#define AFALG_CHUNK (128 * 1024)

static int
tfm_socket(const char *type, const char *name)
{
	struct sockaddr_alg sa = {.salg_family = AF_ALG};
	int fd, err;

	if (strlen(type) >= sizeof(sa.salg_type) || strlen(name) >= sizeof(sa.salg_name))
		return -ENAMETOOLONG;
	strcpy((char *)sa.salg_type, type);
	strcpy((char *)sa.salg_name, name);
	fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int
afalg_probe(const char *type, const char *name)
{
	int fd = tfm_socket(type, name);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int
afalg_probe_key_serial(void)
{
	int32_t zero = 0;
	int fd, ret;

	fd = tfm_socket("skcipher", "ecb(aes)");
	if (fd < 0)
		return fd;
	ret = setsockopt(fd, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL, &zero, sizeof(zero));
	ret = ret < 0 ? errno : 0;
	close(fd);
	if (ret == EINVAL)
		return 0; /* the option exists and refused serial 0 */
	return ret == 0 ? -EPROTO : -ret;
}

/*
 * Bind @type/@name, key it by @serial (0: unkeyed), set the AEAD tag length
 * (@authsize, 0: none; it cannot change after accept) and accept the op
 * socket. Return: op fd or -errno.
 */
static int
open_op(const char *type, const char *name, int32_t serial, unsigned authsize)
{
	int tfm, op, err;

	tfm = tfm_socket(type, name);
	if (tfm < 0)
		return tfm;
	if (serial != 0 &&
	    setsockopt(tfm, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL, &serial, sizeof(serial)) < 0) {
		err = -errno;
		goto out_close_tfm;
	}
	/* AF_ALG takes the tag length as optlen, with no optval (crypto/af_alg.c). */
	/* cppcheck-suppress nullPointer ; posix.cfg wants a non-NULL optval */
	if (authsize != 0 && setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, authsize) < 0) {
		err = -errno;
		goto out_close_tfm;
	}
	op = accept4(tfm, NULL, NULL, SOCK_CLOEXEC);
	if (op < 0) {
		err = -errno;
		goto out_close_tfm;
	}
	close(tfm);
	return op;
out_close_tfm:
	close(tfm);
	return err;
}

int
afalg_open(const char *type, const char *name, int32_t serial)
{
	return open_op(type, name, serial, 0);
}

int
afalg_open_key_probe(void)
{
	return tfm_socket("skcipher", "ecb(aes)");
}

int
afalg_check_key(int probe, int32_t serial)
{
	/*
	 * The kernel looks the key up (search permission, not revoked, expired
	 * or invalidated, a type it can use) before it hands the bytes to the
	 * cipher: EINVAL is then only ecb(aes) refusing the length, which says
	 * the key itself is usable.
	 */
	if (setsockopt(probe, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL, &serial, sizeof(serial)) == 0 ||
	    errno == EINVAL)
		return 0;
	return -errno;
}

/*
 * Fill @iovcnt buffers exactly, however little each read returns (fact 0.1:
 * never ask for more than is due).
 */
static int
readv_exact(int fd, struct iovec *iov, int iovcnt)
{
	while (iovcnt > 0) {
		ssize_t n;

		if (iov->iov_len == 0) {
			iov++;
			iovcnt--;
			continue;
		}
		n = readv(fd, iov, iovcnt);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		while (n > 0) {
			size_t take = (size_t)n < iov->iov_len ? (size_t)n : iov->iov_len;

			iov->iov_base = (uint8_t *)iov->iov_base + take;
			iov->iov_len -= take;
			n -= (ssize_t)take;
			if (iov->iov_len == 0) {
				iov++;
				iovcnt--;
			}
		}
	}
	return 0;
}

static int
read_exact(int fd, uint8_t *out, size_t len)
{
	struct iovec iov = {.iov_base = out, .iov_len = len};

	return readv_exact(fd, &iov, 1);
}

static int
send_all(int fd, const uint8_t *in, size_t len, int flags)
{
	size_t done = 0;

	do {
		ssize_t n = send(fd, in + done, len - done, flags);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	} while (done < len);
	return 0;
}

/* The first piece of a request carries the direction, the IV and (AEAD) the AAD length. */
static int
send_first_iov(int fd, bool encrypt, const uint8_t *iv, size_t iv_len, long assoclen,
	       struct iovec *iov, int iovcnt, size_t len, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t)) * 2 +
			 CMSG_SPACE(sizeof(struct af_alg_iv) + 32)];
		struct cmsghdr align;
	} control;
	struct msghdr msg = {
		.msg_iov = iov,
		.msg_iovlen = (size_t)iovcnt,
		.msg_control = control.buf,
	};
	struct cmsghdr *cmsg;
	struct af_alg_iv *alg_iv;
	ssize_t n;

	if (iv_len > 32)
		return -EINVAL;
	memset(&control, 0, sizeof(control));
	msg.msg_controllen = CMSG_SPACE(sizeof(uint32_t)) +
			     (iv != NULL ? CMSG_SPACE(sizeof(*alg_iv) + iv_len) : 0) +
			     (assoclen >= 0 ? CMSG_SPACE(sizeof(uint32_t)) : 0);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_ALG;
	cmsg->cmsg_type = ALG_SET_OP;
	cmsg->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)(void *)CMSG_DATA(cmsg) = encrypt ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
	if (iv != NULL) {
		cmsg = CMSG_NXTHDR(&msg, cmsg);
		cmsg->cmsg_level = SOL_ALG;
		cmsg->cmsg_type = ALG_SET_IV;
		cmsg->cmsg_len = CMSG_LEN(sizeof(*alg_iv) + iv_len);
		alg_iv = (struct af_alg_iv *)(void *)CMSG_DATA(cmsg);
		alg_iv->ivlen = (uint32_t)iv_len;
		memcpy(alg_iv->iv, iv, iv_len);
	}
	if (assoclen >= 0) {
		cmsg = CMSG_NXTHDR(&msg, cmsg);
		cmsg->cmsg_level = SOL_ALG;
		cmsg->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
		cmsg->cmsg_len = CMSG_LEN(sizeof(uint32_t));
		*(uint32_t *)(void *)CMSG_DATA(cmsg) = (uint32_t)assoclen;
	}
	do
		n = sendmsg(fd, &msg, flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : (int)n + 1; /* > 0: bytes sent + 1 */
}

static int
send_first(int fd, bool encrypt, const uint8_t *iv, size_t iv_len, const uint8_t *in, size_t len,
	   int flags)
{
	struct iovec iov = {.iov_base = (void *)in, .iov_len = len};
	int ret = send_first_iov(fd, encrypt, iv, iv_len, -1, &iov, 1, len, flags);

	if (ret > 0)
		return send_all(fd, in + (ret - 1), len - (size_t)(ret - 1), flags);
	return ret;
}

int
afalg_cipher(int fd, bool encrypt, const uint8_t *iv, size_t iv_len, const uint8_t *in, size_t len,
	     uint8_t *out)
{
	size_t sent = 0;
	int ret;

	do {
		size_t n = len - sent < AFALG_CHUNK ? len - sent : AFALG_CHUNK;
		int flags = sent + n < len ? MSG_MORE : 0;

		if (sent == 0)
			ret = send_first(fd, encrypt, iv, iv_len, in, n, flags);
		else
			ret = send_all(fd, in + sent, n, flags);
		if (ret < 0)
			return ret;
		/* Chunks are whole blocks, so each comes out whole. */
		ret = read_exact(fd, out + sent, n);
		if (ret < 0)
			return ret;
		sent += n;
	} while (sent < len);
	return 0;
}

int
afalg_hash_update(int fd, const uint8_t *in, size_t len)
{
	for (size_t sent = 0; sent < len;) {
		size_t n = len - sent < AFALG_CHUNK ? len - sent : AFALG_CHUNK;
		int ret = send_all(fd, in + sent, n, MSG_MORE);

		if (ret < 0)
			return ret;
		sent += n;
	}
	return 0;
}

int
afalg_hash_final(int fd, uint8_t *out, size_t len)
{
	return read_exact(fd, out, len);
}

int
afalg_open_aead(const char *name, int32_t serial, unsigned authsize)
{
	int op, big = 16 << 20;

	op = open_op("aead", name, serial, authsize);
	if (op < 0)
		return op;
	/*
	 * The whole AEAD message must go in at once (KERNEL-FACTS.md fact 8)
	 * and come out at once: the kernel processes only as much as the
	 * receive buffer takes, then returns a wrong tail. Raise both.
	 */
	if (setsockopt(op, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
		(void)setsockopt(op, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (setsockopt(op, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		(void)setsockopt(op, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return op;
}

long
afalg_request_limit(int fd)
{
	int snd = 0, rcv = 0;
	socklen_t len = sizeof(snd);

	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, &len) < 0)
		return -errno;
	len = sizeof(rcv);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, &len) < 0)
		return -errno;
	return snd < rcv ? snd : rcv;
}

int
afalg_aead(int fd, bool encrypt, const uint8_t *iv, size_t iv_len, const uint8_t *aad,
	   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, size_t out_len)
{
	struct iovec iov[2] = {
		{.iov_base = (void *)aad, .iov_len = aad_len},
		{.iov_base = (void *)in, .iov_len = len},
	};
	uint8_t *all;
	int ret;

	/* Never block: a request larger than the send buffer cannot complete. */
	ret = send_first_iov(fd, encrypt, iv, iv_len, (long)aad_len, iov, 2, aad_len + len,
			     MSG_DONTWAIT);
	if (ret > 0 || ret == -EAGAIN)
		return -EMSGSIZE;
	if (ret < 0)
		return ret;
	/*
	 * The kernel returns AAD || output: read exactly that much. Encrypting,
	 * the ciphertext and tag go straight to @out (the AAD to a scratch
	 * buffer): nothing to verify, nothing secret. Decrypting, the kernel
	 * writes the plaintext before it checks the tag, so it lands in a
	 * buffer of ours, copied out only when the tag verified, then wiped.
	 */
	if (encrypt) {
		all = aad_len > 0 ? malloc(aad_len) : NULL;
		if (aad_len > 0 && all == NULL)
			return -ENOMEM;
		iov[0].iov_base = all;
		iov[0].iov_len = aad_len;
		iov[1].iov_base = out;
		iov[1].iov_len = out_len;
		ret = readv_exact(fd, iov, 2);
		free(all);
		return ret;
	}
	all = malloc(aad_len + out_len + 1);
	if (all == NULL)
		return -ENOMEM;
	ret = read_exact(fd, all, aad_len + out_len);
	if (ret == 0)
		memcpy(out, all + aad_len, out_len);
	explicit_bzero(all, aad_len + out_len);
	free(all);
	return ret;
}

void
afalg_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
