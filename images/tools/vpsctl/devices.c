#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "runtime.h"

#define LDX_W(dst, off) { BPF_LDX | BPF_W | BPF_MEM, dst, BPF_REG_1, off, 0 }
#define AND_K(dst, imm) { BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm }
#define JEQ_K(dst, imm, off) { BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm }
#define JNE_K(dst, imm, off) { BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm }
#define JA(off) { BPF_JMP | BPF_JA, 0, 0, off, 0 }
#define MOV_K(dst, imm) { BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm }
#define EXIT { BPF_JMP | BPF_EXIT, 0, 0, 0, 0 }

/* struct bpf_cgroup_dev_ctx: access_type (access << 16 | type), major, minor. 1: allow. Jump
 * offsets count from the next instruction; the labels are the line numbers on the right. */
static const struct bpf_insn allow_vps_dev[] = {
	LDX_W(BPF_REG_2, 0),				/*  0 */
	AND_K(BPF_REG_2, 0xffff),			/*  1 type */
	LDX_W(BPF_REG_3, 4),				/*  2 major */
	LDX_W(BPF_REG_4, 8),				/*  3 minor */
	JNE_K(BPF_REG_2, BPF_DEVCG_DEV_CHAR, 14),	/*  4 block devices: deny (19) */
	JEQ_K(BPF_REG_3, 136, 11),			/*  5 pts/N: allow (17) */
	JEQ_K(BPF_REG_3, 5, 7),				/*  6 tty, ptmx: 14 */
	JNE_K(BPF_REG_3, 1, 11),			/*  7 not a memory device: deny (19) */
	JEQ_K(BPF_REG_4, 3, 8),				/*  8 null: allow */
	JEQ_K(BPF_REG_4, 5, 7),				/*  9 zero */
	JEQ_K(BPF_REG_4, 7, 6),				/* 10 full */
	JEQ_K(BPF_REG_4, 8, 5),				/* 11 random */
	JEQ_K(BPF_REG_4, 9, 4),				/* 12 urandom */
	JA(5),						/* 13 deny */
	JEQ_K(BPF_REG_4, 0, 2),				/* 14 tty: allow */
	JEQ_K(BPF_REG_4, 2, 1),				/* 15 ptmx: allow */
	JA(2),						/* 16 deny */
	MOV_K(BPF_REG_0, 1),				/* 17 allow */
	EXIT,						/* 18 */
	MOV_K(BPF_REG_0, 0),				/* 19 deny */
	EXIT,						/* 20 */
};

int vps_devices_restrict(unsigned int id, struct vps_err *err)
{
	union bpf_attr attr;
	char path[256];
	cleanup_close int prog = -1;
	cleanup_close int cg = -1;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)allow_vps_dev;
	attr.insn_cnt = sizeof(allow_vps_dev) / sizeof(allow_vps_dev[0]);
	attr.license = (uint64_t)(uintptr_t)"GPL";
	prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (prog < 0)
		return vps_error(err, errno, "load the device filter of VPS %u", id);
	vps_cgroup_path(id, path, sizeof(path));
	cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return vps_error(err, errno, "open cgroup `%s`", path);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cg;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0)
		return vps_error(err, errno, "attach the device filter to `%s`", path);
	return 0;
}
