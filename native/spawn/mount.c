/* MOUNT and UMOUNT: the syscalls themselves, so the engine runs no mount(8)/umount(8). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "tspawn.h"

void do_mount(struct reader *rd, uint32_t id)
{
	uint32_t flags = get_u32(rd);
	unsigned long mflags = (unsigned long)get_u64(rd);
	char *source = get_str(rd);
	char *target = get_str(rd);
	char *fstype = get_str(rd);
	char *data = get_str(rd);
	char *cwd = (flags & MOUNT_HAS_CWD) ? get_str(rd) : NULL;
	if (rd->bad) {
		answer_failed_code(id, "EPROTO", "malformed mount request");
		goto out;
	}
	/* overlayfs resolves relative lowerdirs against the caller's directory, at this call. */
	if (cwd && chdir(cwd) < 0) {
		int e = errno;
		answer_failed(id, e, "mount %s: cwd %s: %s", target, cwd, strerror(e));
		goto out;
	}
	/* Empty means none: the kernel then shows "none" as the source, as mount(8) would. */
	int rc = mount(*source ? source : NULL, target, *fstype ? fstype : NULL, mflags, *data ? data : NULL);
	int e = errno;
	if (cwd && (start_dir >= 0 ? fchdir(start_dir) : chdir("/")) < 0)
		die("cannot return to the start directory after a mount");
	if (rc < 0)
		answer_failed(id, e, "mount %s: %s", target, strerror(e));
	else
		answer_ok(id);
out:
	free(source);
	free(target);
	free(fstype);
	free(data);
	free(cwd);
}

void do_umount(struct reader *rd, uint32_t id)
{
	uint32_t flags = get_u32(rd);
	char *target = get_str(rd);
	if (rd->bad)
		answer_failed_code(id, "EPROTO", "malformed umount request");
	else if (umount2(target, (int)flags) < 0) {
		int e = errno;
		answer_failed(id, e, "umount %s: %s", target, strerror(e));
	} else {
		answer_ok(id);
	}
	free(target);
}
