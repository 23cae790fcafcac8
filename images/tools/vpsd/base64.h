/* Standard base64 (RFC 4648, "+/" alphabet, "=" padding, no line breaks). */
#ifndef VPSD_BASE64_H
#define VPSD_BASE64_H

#include <stddef.h>
#include "../common/error.h"

static inline size_t base64_encoded_len(size_t n) { return (n + 2) / 3 * 4; }
/* Writes base64_encoded_len(n) characters to out, without a terminator. */
void base64_encode(const unsigned char *in, size_t n, char *out);
/*
 * Strict decode: length a multiple of 4, padding only at the end, no whitespace,
 * unused bits zero. out may equal in (decoding in place). 0, or -1 with err filled.
 */
int base64_decode(const char *in, size_t n, unsigned char *out, size_t *out_len,
		  struct vps_err *err);

#endif
