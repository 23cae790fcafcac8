#include "mig_stream.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../common/fileio.h"
#include "migrate_proto.h"

/* len bytes or an error: -1 with errno, or 0 bytes read at EOF (errno 0). */
static int read_all(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t k = read(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = 0;
			return -1;
		}
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

int mig_stream_send(int sock, int src, const struct mig_session *s, uint64_t *bytes, struct vps_err *err)
{
	static unsigned char frame[4 + MIG_FRAME_MAX];
	struct hmac_sha256 h;
	unsigned char mac[SHA256_LEN];
	char line[8 + MIG_HEX_LEN];

	*bytes = 0;
	mig_stream_mac_init(s, &h);
	for (;;) {
		ssize_t n = read(src, frame + 4, MIG_FRAME_MAX);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vps_error(err, errno, "read the snapshot");
		frame[0] = (unsigned char)(n >> 24);
		frame[1] = (unsigned char)(n >> 16);
		frame[2] = (unsigned char)(n >> 8);
		frame[3] = (unsigned char)n;
		if (write_full(sock, frame, 4 + (size_t)n) < 0)
			return vps_error(err, errno, "send the snapshot at byte %llu", (unsigned long long)*bytes);
		if (n == 0)
			break;
		hmac_sha256_update(&h, frame + 4, (size_t)n);
		*bytes += (uint64_t)n;
	}
	hmac_sha256_final(&h, mac);
	memcpy(line, "MAC ", 4);
	mig_hex(mac, sizeof(mac), line + 4);
	strcat(line, "\n");
	return mig_write_line(sock, line, "the stream's MAC", err);
}

int mig_stream_receive(int sock, int dst, const struct mig_session *s, uint64_t max, uint64_t *bytes,
		       struct vps_err *err)
{
	static unsigned char buf[MIG_FRAME_MAX];
	struct hmac_sha256 h;
	unsigned char mac[SHA256_LEN];
	char line[MIG_LINE_MAX], want[MIG_HEX_LEN + 1];

	*bytes = 0;
	mig_stream_mac_init(s, &h);
	for (;;) {
		unsigned char len4[4];
		uint32_t n;

		if (read_all(sock, len4, 4) < 0)
			return vps_error(err, errno, "receive the snapshot at byte %llu%s", (unsigned long long)*bytes,
					 errno ? "" : ": the connection closed mid-stream");
		n = (uint32_t)len4[0] << 24 | (uint32_t)len4[1] << 16 | (uint32_t)len4[2] << 8 | len4[3];
		if (n == 0)
			break;
		if (n > MIG_FRAME_MAX)
			return vps_error(err, 0, "receive the snapshot at byte %llu: a frame of %u bytes (at most %d)",
					 (unsigned long long)*bytes, n, MIG_FRAME_MAX);
		if (*bytes + n > max)
			return vps_error(err, 0, "receive the snapshot: the stream exceeds this receiver's limit of %llu "
					 "bytes", (unsigned long long)max);
		if (read_all(sock, buf, n) < 0)
			return vps_error(err, errno, "receive the snapshot at byte %llu%s", (unsigned long long)*bytes,
					 errno ? "" : ": the connection closed mid-stream");
		hmac_sha256_update(&h, buf, n);
		*bytes += n;
		if (write_full(dst, buf, n) < 0)
			return vps_error(err, errno, "pass the snapshot on to the restore");
	}
	close(dst);
	hmac_sha256_final(&h, mac);
	mig_hex(mac, sizeof(mac), want);
	if (mig_read_line(sock, line, sizeof(line), "the stream's MAC", err) < 0)
		return -1;
	if (strncmp(line, "MAC ", 4) || strlen(line + 4) != MIG_HEX_LEN ||
	    !mac_equal((const unsigned char *)want, (const unsigned char *)line + 4, MIG_HEX_LEN))
		return vps_error(err, 0, "the snapshot stream is not signed with this lab's key (authentication failed)");
	return 0;
}
