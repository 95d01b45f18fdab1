// SPDX-License-Identifier: GPL-2.0-only
/*
 * One download for `dcea db update`, with libcurl: the body into a file descriptor, hashed as it
 * arrives. A stalled server (below 1 byte/s for stall_secs), a body shorter than its
 * Content-Length, an HTTP error status and a body above max_size are errors. Left out of the
 * static build (no libcurl there): db_fetch() is then the weak stub in dbstore.c.
 */
#include <curl/curl.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "scanners/dbstore.h"

#ifndef DCEA_VERSION
#define DCEA_VERSION "0.1.0"
#endif

struct sink {
	int fd;
	uint64_t bytes, max;
	EVP_MD_CTX *sha, *md5;
	int werr;
	struct db_fetch_result *res;
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n, off = 0;

	if (s->bytes + len > s->max) {
		s->werr = EFBIG;
		return 0;
	}
	while (off < len) {
		ssize_t w = write(s->fd, p + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->werr = w < 0 ? errno : EIO;
			return 0;
		}
		off += w;
	}
	EVP_DigestUpdate(s->sha, p, len);
	EVP_DigestUpdate(s->md5, p, len);
	s->bytes += len;
	return len;
}

/* x-goog-hash: crc32c=...,md5=... (or one header per hash): keep the md5 */
static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;
	char line[512], *m;

	if (len >= sizeof(line) || len < 12 || strncasecmp(p, "x-goog-hash:", 12))
		return len;
	memcpy(line, p, len);
	line[len] = '\0';
	m = strstr(line, "md5=");
	if (m) {
		m += 4;
		m[strcspn(m, ", \t\r\n")] = '\0';
		snprintf(s->res->goog_md5, sizeof(s->res->goog_md5), "%s", m);
	}
	return len;
}

int db_fetch(const char *url, int fd, long stall_secs, uint64_t max_size,
	     struct db_fetch_result *res, char *err, size_t errlen)
{
	static bool inited;
	char cerr[CURL_ERROR_SIZE] = "";
	struct sink s = { .fd = fd, .max = max_size, .res = res };
	CURL *c = NULL;
	CURLcode rc;
	int ret = -ENOMEM;

	memset(res, 0, sizeof(*res));
	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = true;
	}
	s.sha = EVP_MD_CTX_new();
	s.md5 = EVP_MD_CTX_new();
	c = curl_easy_init();
	if (!s.sha || !s.md5 || !c || !EVP_DigestInit_ex(s.sha, EVP_sha256(), NULL) ||
	    !EVP_DigestInit_ex(s.md5, EVP_md5(), NULL)) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto cleanup;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a server that stops sending: below 1 byte/s for stall_secs */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, stall_secs);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_size);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "dcea/" DCEA_VERSION);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &s);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->http_code);
	if (rc != CURLE_OK) {
		if (s.werr)
			snprintf(err, errlen, "%s",
				 s.werr == EFBIG ? "larger than the size limit" : strerror(s.werr));
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			snprintf(err, errlen, "server stalled: %s", cerr[0] ? cerr : "timed out");
		else if (rc == CURLE_PARTIAL_FILE)
			snprintf(err, errlen, "truncated download after %llu bytes: %s",
				 (unsigned long long)s.bytes, cerr[0] ? cerr : "partial file");
		else
			snprintf(err, errlen, "%s", cerr[0] ? cerr : curl_easy_strerror(rc));
		ret = s.werr == EFBIG ? -EFBIG : rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
		goto cleanup;
	}
	res->bytes = s.bytes;
	EVP_DigestFinal_ex(s.sha, res->sha256, NULL);
	EVP_DigestFinal_ex(s.md5, res->md5, NULL);
	ret = 0;
cleanup:
	curl_easy_cleanup(c);
	EVP_MD_CTX_free(s.sha);
	EVP_MD_CTX_free(s.md5);
	return ret;
}
