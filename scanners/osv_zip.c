// SPDX-License-Identifier: GPL-2.0-only
/*
 * Just enough zip to read osv.dev exports: the end-of-central-directory record, the central
 * directory, local headers, stored or deflated members. The file is mapped read-only; every
 * offset and size is checked against the mapping before use. Zip64 and encryption are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/log.h"
#include "scanners/osv.h"

#define EOCD_SIG  0x06054b50
#define CDIR_SIG  0x02014b50
#define LOCAL_SIG 0x04034b50

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static int inflate_raw(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen)
{
	z_stream z = { 0 };
	int rc;

	if (inflateInit2(&z, -15) != Z_OK)
		return -ENOMEM;
	z.next_in = (unsigned char *)in;
	z.avail_in = inlen;
	z.next_out = out;
	z.avail_out = outlen;
	rc = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	/* the size in the central directory must be the real one: no bombs beyond it */
	if (rc != Z_STREAM_END || z.avail_out)
		return -EBADMSG;
	return 0;
}

int osv_zip_foreach(const char *path, size_t max,
		    int (*fn)(const char *name, const char *buf, size_t len, void *arg), void *arg)
{
	const unsigned char *m = MAP_FAILED, *eocd = NULL, *p, *end;
	struct stat st;
	size_t size = 0, nent, cdoff, cdsize;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		log_err("failed to open '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	size = st.st_size;
	if (size < 22) {
		err = -EBADMSG;
		log_err("failed to read '%s': not a zip file", path);
		goto cleanup;
	}
	m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		err = -errno;
		log_err("failed to map '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	end = m + size;
	/* the EOCD is the last 22 bytes plus a comment of at most 65535 */
	for (p = end - 22; p >= m && p >= end - 22 - 65535; p--)
		if (le32(p) == EOCD_SIG) {
			eocd = p;
			break;
		}
	if (!eocd) {
		err = -EBADMSG;
		log_err("failed to read '%s': no zip end-of-central-directory record", path);
		goto cleanup;
	}
	nent = le16(eocd + 10);
	cdsize = le32(eocd + 12);
	cdoff = le32(eocd + 16);
	if (nent == 0xffff || cdoff == 0xffffffff) {
		err = -EOPNOTSUPP;
		log_err("failed to read '%s': zip64 archives are not supported", path);
		goto cleanup;
	}
	if (cdoff > size || cdsize > size - cdoff) {
		err = -EBADMSG;
		log_err("failed to read '%s': central directory out of the file", path);
		goto cleanup;
	}
	p = m + cdoff;
	for (size_t i = 0; i < nent && !err; i++) {
		uint16_t method, flags, nl, xl, cl, lnl, lxl;
		uint32_t csize, usize, loff, crc;
		const unsigned char *lh, *data;
		char *name = NULL, *buf = NULL;

		if (p + 46 > end || le32(p) != CDIR_SIG) {
			err = -EBADMSG;
			log_err("failed to read '%s': bad central directory entry %zu", path, i);
			break;
		}
		flags = le16(p + 8);
		method = le16(p + 10);
		crc = le32(p + 16);
		csize = le32(p + 20);
		usize = le32(p + 24);
		nl = le16(p + 28);
		xl = le16(p + 30);
		cl = le16(p + 32);
		loff = le32(p + 42);
		if (p + 46 + nl + xl + cl > end) {
			err = -EBADMSG;
			log_err("failed to read '%s': bad central directory entry %zu", path, i);
			break;
		}
		name = strndup((const char *)p + 46, nl);
		p += 46 + nl + xl + cl;
		if (!name) {
			err = -ENOMEM;
			break;
		}
		/* strlen, not nl: a NUL inside the stored name ends the copy early */
		if (strlen(name) < 5 || strcasecmp(name + strlen(name) - 5, ".json"))
			goto next;
		if (flags & 1) {
			log_warn("'%s': member '%s' is encrypted, ignoring", path, name);
			goto next;
		}
		if (usize > max || csize == 0xffffffff) {
			err = -EFBIG;
			log_err("refusing '%s': member '%s' declares %u bytes", path, name, usize);
			goto next;
		}
		lh = m + loff;
		if ((uint64_t)loff + 30 > size || le32(lh) != LOCAL_SIG) {
			err = -EBADMSG;
			log_err("failed to read '%s': bad local header of '%s'", path, name);
			goto next;
		}
		lnl = le16(lh + 26);
		lxl = le16(lh + 28);
		data = lh + 30 + lnl + lxl;
		if (data > end || csize > (size_t)(end - data)) {
			err = -EBADMSG;
			log_err("failed to read '%s': member '%s' runs past the end", path, name);
			goto next;
		}
		buf = malloc(usize + 1);
		if (!buf) {
			err = -ENOMEM;
			goto next;
		}
		if (method == 0 && csize == usize) {
			memcpy(buf, data, usize);
		} else if (method == 8) {
			if (inflate_raw(data, csize, (unsigned char *)buf, usize)) {
				err = -EBADMSG;
				log_err("failed to read '%s': member '%s' is corrupt", path, name);
				goto next;
			}
		} else {
			log_warn("'%s': member '%s' uses compression method %u, ignoring", path,
				 name, method);
			goto next;
		}
		buf[usize] = '\0';
		/* a flipped bit in a stored member, or one deflate happens to accept */
		if (crc32(0, (const unsigned char *)buf, usize) != crc) {
			err = -EBADMSG;
			log_err("failed to read '%s': member '%s' fails its CRC-32", path, name);
			goto next;
		}
		err = fn(name, buf, usize, arg);
	next:
		free(buf);
		free(name);
	}
cleanup:
	if (m != MAP_FAILED)
		munmap((void *)m, size);
	if (fd >= 0)
		close(fd);
	return err;
}
