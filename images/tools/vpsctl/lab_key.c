#include "lab_key.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "mig_auth.h"

int lab_key_load(const char *path, unsigned char key[LAB_KEY_LEN], struct vps_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char text[2 * LAB_KEY_LEN + 2];
	struct stat st;
	ssize_t n;

	if (fd < 0 && errno == ENOENT)
		return vps_error(err, 0, "this host has no lab key `%s` (the lab page or runner writes it when the host "
				 "joins the lab)", path);
	if (fd < 0)
		return vps_error(err, errno, "open the lab key `%s`", path);
	if (fstat(fd, &st) < 0)
		return vps_error(err, errno, "stat the lab key `%s`", path);
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return vps_error(err, 0, "the lab key `%s` must be a file of uid %u with mode 0600 (it is mode %04o, uid %u)",
				 path, (unsigned int)geteuid(), (unsigned int)(st.st_mode & 07777), (unsigned int)st.st_uid);
	do
		n = read(fd, text, sizeof(text));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return vps_error(err, errno, "read the lab key `%s`", path);
	if (n == 2 * LAB_KEY_LEN + 1 && text[n - 1] == '\n')
		n--;
	if (n != 2 * LAB_KEY_LEN || mig_unhex(text, (size_t)n, key, LAB_KEY_LEN) < 0)
		return vps_error(err, 0, "the lab key `%s` is not %d hex digits", path, 2 * LAB_KEY_LEN);
	return 0;
}
