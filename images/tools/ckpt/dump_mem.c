/* A task's memory: its VMAs from /proc/PID/maps, and the pages that differ from what a fresh
 * mapping would give (present anonymous pages; the copied-on-write pages of a private file
 * mapping), found with /proc/PID/pagemap and read through /proc/PID/mem. */
#include "dump_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "proc_parse.h"

#define PAGE CKPT_PAGE
#define PM_PRESENT	(1ull << 63)
#define PM_SWAP		(1ull << 62)
#define PM_FILE		(1ull << 61)

/* Classify one mapping; 0 with *v filled, -1 refused. */
static int classify(struct dumper *d, struct dtask *t, const struct ckpt_map *mp, struct ckpt_vma_meta *v)
{
	const char *p = mp->path;
	size_t n = strlen(p);

	memset(v, 0, sizeof(*v));
	v->start = mp->start;
	v->end = mp->end;
	v->prot = (mp->perms[0] == 'r' ? PROT_READ : 0) | (mp->perms[1] == 'w' ? PROT_WRITE : 0) |
		  (mp->perms[2] == 'x' ? PROT_EXEC : 0);
	if (!strcmp(p, "[vdso]")) {
		v->kind = CKPT_VMA_VDSO;
		return 0;
	}
	if (!strcmp(p, "[vvar]")) {
		v->kind = CKPT_VMA_VVAR;
		return 0;
	}
	if (mp->perms[3] == 's')
		return dump_refuse(d, t, "shared mapping %#x-%#x %s is not supported", mp->start, mp->end,
				   *p ? p : "(anonymous)");
	if (!*p || !strcmp(p, "[heap]") || !strcmp(p, "[stack]")) {
		v->kind = CKPT_VMA_ANON;
		v->flags = !strcmp(p, "[heap]") ? CKPT_VMA_HEAP : !strcmp(p, "[stack]") ? CKPT_VMA_GROWSDOWN : 0;
		return 0;
	}
	if (p[0] == '/' && !(n > 10 && !strcmp(p + n - 10, " (deleted)"))) {
		char mf[96];
		struct stat st;

		snprintf(mf, sizeof(mf), "/proc/%d/map_files/%x-%x", t->hpid, mp->start, mp->end);
		if (stat(mf, &st))
			return dump_refuse(d, t, "mapped file %s: %s", p, strerror(errno));
		if (!S_ISREG(st.st_mode))
			return dump_refuse(d, t, "mapping of %s (not a regular file) is not supported", p);
		if (n > CKPT_MAX_PATH)
			return dump_refuse(d, t, "mapped file path too long");
		v->kind = CKPT_VMA_FILE;
		v->pgoff = mp->offset;
		v->path_len = (uint32_t)n;
		return 0;
	}
	return dump_refuse(d, t, "mapping %#x-%#x %s is not supported", mp->start, mp->end, p);
}

/* Write the stored pages of VMA v: runs of pages to keep, at most CKPT_MAX_PAGES_DATA each. */
static int write_pages(struct dumper *d, struct dtask *t, int pm, int mem, const struct ckpt_vma_meta *v)
{
	uint32_t npages = (v->end - v->start) / PAGE, i = 0;
	cleanup_free uint64_t *ent = malloc((size_t)npages * 8);
	cleanup_free uint8_t *buf = malloc(CKPT_MAX_PAGES_DATA);

	if (!ent || !buf)
		return vps_error(d->err, ENOMEM, "dumping");
	if (pread64(pm, ent, (size_t)npages * 8, (off64_t)(v->start / PAGE) * 8) != (ssize_t)npages * 8)
		return dump_refuse(d, t, "reading its page map: %s", strerror(errno));
	while (i < npages) {
		uint32_t run = 0;
		struct ckpt_pages_meta pm_meta;

		for (; i < npages; i++) {
			uint64_t e = ent[i];
			int keep = (e & PM_SWAP) || ((e & PM_PRESENT) && (v->kind == CKPT_VMA_ANON || !(e & PM_FILE)));

			if (keep)
				break;
		}
		while (i + run < npages && run < CKPT_MAX_PAGES_DATA / PAGE) {
			uint64_t e = ent[i + run];
			int keep = (e & PM_SWAP) || ((e & PM_PRESENT) && (v->kind == CKPT_VMA_ANON || !(e & PM_FILE)));

			if (!keep)
				break;
			run++;
		}
		if (!run)
			break;
		pm_meta.addr = v->start + i * PAGE;
		if (pread64(mem, buf, (size_t)run * PAGE, pm_meta.addr) != (ssize_t)(run * PAGE))
			return dump_refuse(d, t, "reading its memory at %#x: %s", pm_meta.addr, strerror(errno));
		if (d->w->put(d->w->ctx, CKPT_REC_PAGES, &pm_meta, sizeof(pm_meta), buf, run * PAGE, d->err))
			return -1;
		d->end.page_bytes += (uint64_t)run * PAGE;
		i += run;
	}
	return 0;
}

/* The address of an `int $0x80` (cd 80) in the task's vDSO. */
static int find_int80(struct dumper *d, struct dtask *t, int mem, const struct ckpt_map *mp)
{
	uint32_t len = mp->end - mp->start;
	cleanup_free uint8_t *buf = malloc(len);

	if (!buf)
		return vps_error(d->err, ENOMEM, "dumping");
	if (pread64(mem, buf, len, mp->start) != (ssize_t)len)
		return dump_refuse(d, t, "reading its vDSO: %s", strerror(errno));
	for (uint32_t i = 0; i + 1 < len; i++)
		if (buf[i] == 0xcd && buf[i + 1] == 0x80) {
			t->int80 = mp->start + i;
			return 0;
		}
	return 0;
}

int dump_task_mem(struct dumper *d, struct dtask *t, int write)
{
	char path[64], line[4200];
	cleanup_fclose FILE *maps = NULL;
	cleanup_close int pm = -1, mem = -1;
	struct ckpt_map mp;
	struct ckpt_vma_meta v;
	uint32_t nvmas = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", t->hpid);
	maps = fopen(path, "re");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", t->hpid);
	pm = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/mem", t->hpid);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	if (!maps || pm < 0 || mem < 0)
		return dump_refuse(d, t, "opening its maps, page map or memory: %s", strerror(errno));
	while (fgets(line, sizeof(line), maps)) {
		if (ckpt_parse_maps_line(line, &mp))
			return dump_refuse(d, t, "unreadable maps line: %.80s", line);
		if (classify(d, t, &mp, &v))
			return -1;
		if (++nvmas > CKPT_MAX_VMAS)
			return dump_refuse(d, t, "more than %d memory mappings", CKPT_MAX_VMAS);
		if (v.kind == CKPT_VMA_VDSO && !write && find_int80(d, t, mem, &mp))
			return -1;
		if (!write)
			continue;
		if (d->w->put(d->w->ctx, CKPT_REC_VMA, &v, sizeof(v), mp.path, v.path_len, d->err))
			return -1;
		d->end.vmas++;
		if ((v.kind == CKPT_VMA_ANON || v.kind == CKPT_VMA_FILE) && write_pages(d, t, pm, mem, &v))
			return -1;
	}
	if (!write)
		t->m.nvmas = nvmas;
	else if (nvmas != t->m.nvmas)
		return dump_refuse(d, t, "its memory map changed during the dump");
	return 0;
}
