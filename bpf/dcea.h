/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ABI shared by the BPF programs and the loader: rule ids, map keys and values, the event
 * record. Fixed-width types, largest fields first, explicit padding, sizes asserted. This header
 * includes no type header: BPF gets __u64 and friends from vmlinux.h, userspace from
 * <linux/types.h>.
 */
#ifndef DCEA_ABI_H
#define DCEA_ABI_H

#ifndef DCEA_PIN_DIR /* -DDCEA_PIN_DIR=... for a second instance in development */
#define DCEA_PIN_DIR "/sys/fs/bpf/dcea"
#endif
#define DCEA_COMM_LEN	     16
#define DCEA_CGNAME_LEN	     80 /* kernfs name of the task's cgroup: docker's is 64 hex digits */
#define DCEA_PATH_LEN	     256
#define DCEA_STR2_LEN	     64
#define DCEA_MAX_TASKS	     65536
#define DCEA_MAX_CT	     4096
#define DCEA_RINGBUF_SIZE    (4 << 20) /* 4 MiB: ~250k events/s without drops, measured here */
#define DCEA_RINGBUF_HI_SIZE (1 << 20) /* the reserved ring: deny, kill, critical, lifecycle */
#define DCEA_MAX_AGG	     4096 /* aggregation entries: (container, rule, action, exe, detail) */
#define DCEA_AGG_WINDOW_NS   (500ULL * 1000000)	  /* repeats within this are summed */
#define DCEA_AGG_IDLE_NS     (60ULL * 1000000000) /* an entry unused this long is removed */
#define DCEA_MAX_CUSTOM	     16			  /* custom rules in a policy */
#define DCEA_MAX_EXC	     16			  /* exceptions in a policy */
#define DCEA_MAX_PATHS	     1024 /* path patterns (credential files, custom rules, executables) */
#define DCEA_PATH_DEPTH	     16	  /* components of a path the kernel side rebuilds */

/* Stable rule ids. Names and metadata live in rules/rules.c; never renumber, only append. */
enum dcea_rule {
	DCEA_R_MOUNT = 0,      /* mount of proc/sysfs/cgroup/... or a host path, remount rw */
	DCEA_R_MOUNT_API,      /* fsopen/fsmount/move_mount/open_tree */
	DCEA_R_DEVICE_CREATE,  /* mknod of a char or block device */
	DCEA_R_BLOCK_DEVICE,   /* opening or mounting a block device */
	DCEA_R_CAPSET,	       /* capset raising capabilities */
	DCEA_R_SETUID_ROOT,    /* setuid/setgid family to 0 from non-root */
	DCEA_R_SYSCTL_WRITE,   /* writes to kernel knobs under /proc/sys */
	DCEA_R_KNOB_WRITE,     /* release_agent, binfmt_misc, uevent_helper, sysrq-trigger... */
	DCEA_R_SETNS,	       /* setns into a namespace not the container's own */
	DCEA_R_UNSHARE,	       /* unshare/clone of new namespaces */
	DCEA_R_PTRACE,	       /* ptrace/process_vm_writev of a process outside the container */
	DCEA_R_PROC_HOST,      /* open /proc/<pid>/{root,ns,mem} of a host process, foreign mount */
	DCEA_R_BPF_LOAD,       /* bpf(BPF_PROG_LOAD) */
	DCEA_R_MODULE_LOAD,    /* init_module, finit_module */
	DCEA_R_OPEN_BY_HANDLE, /* open_by_handle_at (shocker) */
	DCEA_R_KEXEC,	       /* kexec_load, kexec_file_load */
	DCEA_R_RUNTIME_SOCKET, /* connect to docker.sock, containerd.sock, crio.sock */
	DCEA_R_NS_ESCAPE,      /* a container task in the host's namespaces or above its caps */
	DCEA_R_TAMPER,	       /* a signal from a container to the dcea loader */
	/* threat behaviour (the paper's Falco list): alert by default */
	DCEA_R_SHELL,	    /* exec of a shell in a container */
	DCEA_R_CRED_FILE,   /* open of /etc/shadow and other credential files */
	DCEA_R_DEV_FILE,    /* creation of a file that is not a device node under /dev */
	DCEA_R_PRIV_EXEC,   /* exec gaining privileges: setuid-root or file capabilities */
	DCEA_R_PRIV_LAUNCH, /* a container whose entrypoint has every capability */
	DCEA_R_DRIFT,	    /* exec of a file changed after the container started */
	DCEA_R_CUSTOM,	    /* one of the policy's custom rules: custom.index is its index */
	DCEA_R_MAX,
};

enum dcea_mode {
	DCEA_MODE_AUDIT = 0,
	DCEA_MODE_BLOCK = 1,
};

/* What the kernel did about an event. */
enum dcea_action {
	DCEA_ACT_ALERT = 0, /* audit: let it happen, report it */
	DCEA_ACT_DENY = 1,  /* the operation failed with EPERM */
	DCEA_ACT_KILL = 2,  /* the task was sent SIGKILL */
};

/* Per-rule configuration, array map indexed by enum dcea_rule. Written by the loader only. */
struct dcea_rule_cfg {
	__u32 enabled;	 /* 0: the rule is off, nothing is reported */
	__u32 enforce;	 /* 1: deny or kill; computed from mode and the rule's policy action */
	__u32 block;	 /* the policy's action is block (enforced in block mode) */
	__u32 effective; /* enum dcea_effect proven by the self-test on this kernel */
	__u32 lsm;	 /* 1: the LSM program acts on this rule, 0: the fallback programs do */
	__u32 opts;	 /* DCEA_RO_*: options of this rule */
};

/* dcea_rule_cfg.opts of every rule: its alerts take the reserved ring (severity critical) */
#define DCEA_RO_PRIO (1U << 31)
/* dcea_rule_cfg.opts of shell_in_container: every non-interactive shell, not only those with an
 * unexpected parent (policy: non_interactive: all) */
#define DCEA_RO_SHELL_ALL (1U << 0)
/* shell_in_container's shell.why: why the shell is reported */
enum dcea_shell_why {
	DCEA_SHELL_INTERACTIVE = 1, /* stdin is a terminal */
	DCEA_SHELL_PARENT = 2,	    /* started by a container process that is not a shell */
	DCEA_SHELL_POLICY = 3,	    /* non-interactive, reported because the policy asks for all */
};

/* What a rule can do on the running kernel, proven by the loader's canary self-test. */
enum dcea_effect {
	DCEA_EFF_UNAVAILABLE = 0,
	DCEA_EFF_DETECT = 1,
	DCEA_EFF_KILL = 2,
	DCEA_EFF_DENY = 3,
	/* the self-test could not set the attempt up (dcea_config.selftest says why): not proven,
	 * so alerts only; never a claim about the kernel */
	DCEA_EFF_SELFTEST_FAILED = 4,
};

/* The step of the self-test that failed: dcea_config.selftest[rule] is step << 16 | errno. */
enum dcea_selftest_step {
	DCEA_ST_NONE = 0,
	DCEA_ST_SETUP,	  /* the self-test as a whole: its cgroup, helper task or ring buffer */
	DCEA_ST_PARENT,	  /* the loader's side of one attempt: pipe, fork, the child's namespaces */
	DCEA_ST_NS,	  /* the child could not enter a mount and UTS namespace of its own */
	DCEA_ST_CGROUP,	  /* the child could not join the self-test's cgroup */
	DCEA_ST_SCRATCH,  /* the child's private tmpfs or its copy of dcea's binary */
	DCEA_ST_PREPARE,  /* the rule's own preparation */
	DCEA_ST_EXEC,	  /* the exec attempted failed before the kernel judged it */
	DCEA_ST_TIMEOUT,  /* the child did not finish in time */
	DCEA_ST_SIGNAL,	  /* the child died of a signal nothing of dcea's sends (errno: signal) */
	DCEA_ST_NO_EVENT, /* the child was killed, but no event of it arrived (ring full?) */
	DCEA_ST_LOST,	  /* the child ended before it said it was ready */
	DCEA_ST_CAPS, /* unseen, and dcea lacks a capability the attempt needs (errno: the cap) */
	DCEA_ST_NNP,  /* unseen, and dcea runs with no_new_privs: a setuid exec gains nothing */
	DCEA_ST_MAX,
};

enum dcea_backend {
	DCEA_BACKEND_FALLBACK = 0, /* tracepoints + cgroup/dev + cgroup/sysctl */
	DCEA_BACKEND_LSM = 1,	   /* BPF LSM, with the fallback for what LSM has no hook for */
};

enum dcea_ns {
	DCEA_NS_MNT = 0,
	DCEA_NS_PID,
	DCEA_NS_NET,
	DCEA_NS_UTS,
	DCEA_NS_IPC,
	DCEA_NS_USER,
	DCEA_NS_CGROUP,
	DCEA_NS_TIME,
	DCEA_NS_MAX,
};

/* Global configuration, array map with one entry. */
/*
 * A filter in front of dcea_leaves: the loader sets the bit DCEA_LEAF_BIT of every name it lists
 * there, and an opened file whose bit is clear is known unlisted without building the key and
 * looking it up (the common case: almost every name a container opens). The bit is a hash of the
 * name's length and its first 8 bytes (`w8`: byte i in bits 8i..8i+7, zero past the length), all
 * in the dentry window the open programs read already. A name whose bit is set is looked up.
 */
#define DCEA_LEAF_FILTER_WORDS 4 /* 256 bits */
#define DCEA_LEAF_BIT(w8, len)                                                                     \
	((__u32)((((__u64)(w8) ^ (__u64)(len)) * 0x9E3779B97F4A7C15ULL) >> 56))

struct dcea_config {
	__u64 host_ns[DCEA_NS_MAX]; /* the host's namespaces (the loader's), enum dcea_ns order */
	__u64 root_cgroup;	    /* cgroup v2 id of the root cgroup (1) */
	__u64 loaded_at;	    /* realtime ns of the load */
	__u64 drops_reported;	    /* ring-buffer drops reported: a restart reports the rest */
	__u32 mode;	    /* enum dcea_mode, for status; enforcement reads dcea_rule_cfg */
	__u32 loader_tgid;  /* pid of the streaming loader, 0 when none */
	__u32 backend;	    /* enum dcea_backend */
	__u32 tamper_tgid;  /* the last container task that signalled the loader: ignore it */
	__u64 cap_full;	    /* capabilities only privileged mode grants: all held = privileged */
	__s64 boot_to_real; /* CLOCK_REALTIME - CLOCK_BOOTTIME at load, ns: file times vs boot time
			     */
	__u32 custom_kinds; /* bit per enum dcea_kind with at least one custom rule */
	__u32 n_exc;	    /* exceptions in dcea_exc */
	__u32 path_needs;   /* DCEA_NEED_*: which hooks rebuild paths */
	__u32 flags;	    /* DCEA_CFG_* */
	__u64 canary_cgid;  /* the self-test's cgroup: a container started there is a canary */
	/* per enum dcea_rule: why the self-test failed (DCEA_EFF_SELFTEST_FAILED), step << 16 |
	 * errno, else 0; for status only */
	__u32 selftest[32];
	__u64 leaf_filter[DCEA_LEAF_FILTER_WORDS]; /* DCEA_LEAF_BIT of every dcea_leaves name */
};

/* dcea_config.flags */
#define DCEA_CFG_AGG                                                                               \
	(1U << 0) /* aggregate repeats: the flush program loaded (bpf_for_each_map_elem) */

/*
 * prctl(DCEA_PRCTL_AGG_FLUSH): the streaming loader asks the agg_flush program to report the
 * absorbed repeats into dcea_aggout. An option no kernel defines ("DCEA"): the call fails with
 * EINVAL and changes nothing; only the loader's own call (loader_tgid) is acted on.
 */
#define DCEA_PRCTL_AGG_FLUSH 0x44434541

/* dcea_config.path_needs */
#define DCEA_NEED_OPEN	   (1U << 0) /* opened files whose name is in dcea_leaves */
#define DCEA_NEED_EXEC	   (1U << 1) /* executables: exe selectors or custom exec rules */
#define DCEA_NEED_OPEN_ALL (1U << 2) /* every opened file (a prefix pattern, a long name) */
#define DCEA_NEED_OPEN_ANY (1U << 3) /* custom open rules without a path: no path needed */

/*
 * Path patterns, hash map keyed by the FNV-1a 64 of a path and whether it is an exact path or a
 * directory whose descendants match ("/etc/ssh/<anything>" is the prefix "/etc/ssh"); the value is
 * a mask of DCEA_PM_* bits naming what the pattern belongs to.
 */
struct dcea_path_key {
	__u64 hash;
	__u32 prefix;
	__u32 pad;
};
#define DCEA_PM_CRED	    (1ULL << 0) /* lists.cred_files */
#define DCEA_PM_CUSTOM_PATH 8		/* + i: custom rule i's path */
#define DCEA_PM_CUSTOM_EXE  24		/* + i: custom rule i's executable */
#define DCEA_PM_EXC_EXE	    40		/* + i: exception i's executable */
#define DCEA_FNV_OFFSET	    0xcbf29ce484222325ULL
#define DCEA_FNV_PRIME	    0x100000001b3ULL

/* Event kinds a custom rule can name */
enum dcea_kind {
	DCEA_K_EXEC = 0,
	DCEA_K_OPEN_READ,
	DCEA_K_OPEN_WRITE,
	DCEA_K_MOUNT,
	DCEA_K_MKNOD,
	DCEA_K_SETUID,
	DCEA_K_CAPSET,
	DCEA_K_CONNECT,
	DCEA_K_IO_URING, /* io_uring_setup: refusing io_uring where the fallback cannot judge it */
	DCEA_K_MAX,
};

/* A custom rule, array map indexed by its position in the policy */
#define DCEA_SEL_PATH	(1U << 0)
#define DCEA_SEL_EXE	(1U << 1)
#define DCEA_SEL_CT	(1U << 2)
#define DCEA_CU_ENABLED (1U << 0)
#define DCEA_CU_BLOCK	(1U << 1) /* the policy's action is block */
#define DCEA_CU_PRIO	(1U << 2) /* severity critical: its alerts take the reserved ring */
struct dcea_custom {
	__u32 kind;    /* enum dcea_kind */
	__u32 sel;     /* DCEA_SEL_*: which selectors must match */
	__u32 enforce; /* kill: block mode, action block, and the kind's hook proven to kill */
	__u32 flags;   /* DCEA_CU_* */
};

/* An exception, array map indexed by its position in the policy */
struct dcea_exc {
	__u64 rules; /* bit per enum dcea_rule it suppresses, 32 + i for custom rule i */
	__u32 sel;   /* DCEA_SEL_EXE, DCEA_SEL_CT: which selectors must match (all given) */
	__u32 pad;
};

/*
 * protect: dcea's own files (binary, policy, trust store), by device and inode; a container task
 * opening one for writing is a dcea_tamper match. dev: the kernel's encoding, major << 20 | minor.
 */
struct dcea_file_key {
	__u64 dev;
	__u64 ino;
};
#define DCEA_MAX_PROTECT 32
/* dcea_tamper events, in object.kind: a file opened for writing (fallback and LSM), then what only
 * the LSM backend can deny: an unlink, rmdir, rename or truncate of a guarded entry, an umount of
 * dcea's bpffs. object.inode: the inode; path: the entry's name, str2: its directory's. */
#define DCEA_TAMPER_FILE     1
#define DCEA_TAMPER_UNLINK   2
#define DCEA_TAMPER_RMDIR    3
#define DCEA_TAMPER_RENAME   4
#define DCEA_TAMPER_TRUNCATE 5
#define DCEA_TAMPER_UMOUNT   6
/* dcea_protect values: what the entry (device, inode) guards */
#define DCEA_PROT_FILE	1 /* one of dcea's files: no open for writing, unlink, rename, truncate */
#define DCEA_PROT_DIR	2 /* a pin directory: no unlink, rmdir or rename of what it holds */
#define DCEA_PROT_MOUNT 4 /* the root of dcea's bpffs (or a pin directory): no umount of it */

/* Container flags */
#define DCEA_CT_CANARY	(1U << 0) /* the loader's self-test: always enforced, never reported */
#define DCEA_CT_ADOPTED (1U << 1) /* found running at loader start, not seen starting */
/*
 * A task's only: a task of no container that exec'd in a container's mount namespace (it entered
 * through setns: nsenter, a runtime's exec without a cgroup move), and its children. It runs the
 * container's files, so every rule judges it as the container; its namespaces and capabilities
 * were never the container's, so ns_escape does not compare them with the container's baseline.
 */
#define DCEA_CT_ENTERED (1U << 2)

/* containers: hash keyed by the cgroup v2 id of the container (a setns does not change it). */
struct dcea_container {
	__u64 ns[DCEA_NS_MAX]; /* namespace inodes of the entrypoint at exec: the baseline */
	__u64 cap_bset;	       /* the entrypoint's capability bounding set: no task may exceed it */
	__u64 start_ns;	       /* boot-time ns of the entrypoint exec */
	__u32 flags;	       /* DCEA_CT_* */
	__u32 init_tgid;       /* host pid of the entrypoint */
	__u32 exc;	       /* exceptions whose container selector matches (set by the loader) */
	__u32 custom;	       /* custom rules whose container selector matches (likewise) */
};

/* tasks: hash keyed by host tid. A task is subject to the rules once it is in this map. */
struct dcea_task {
	__u64 cgroup_id; /* container the task belongs to */
	__u32 flags;	 /* DCEA_CT_* copied from the container */
	__u32 reported;	 /* DCEA_ESC_* already reported for this task (the sweep reports once) */
	__u64 exe;	 /* DCEA_PM_* bits its executable's path matched at its last exec */
};

/* ns_escape findings, a bit mask in escape.bits; the low DCEA_NS_MAX bits name host namespaces
 * joined */
#define DCEA_ESC_CAPS (1U << 16) /* effective capabilities beyond the container's bounding set */
#define DCEA_ESC_ROOT (1U << 17) /* fs root on a mount outside the task's mount namespace */
#define DCEA_ESC_CWD  (1U << 18) /* working directory on a mount outside it (CVE-2024-21626) */
#define DCEA_ESC_FD   (1U << 19) /* a directory on a mount outside it held as a descriptor */

/*
 * How a task reached the object of a rule's event (object.route of file, socket and path-walk
 * events): the classic syscall, an io_uring request, a descriptor taken from another process with
 * pidfd_getfd, one received over a unix socket, one held across an exec.
 */
enum dcea_route {
	DCEA_RT_SYSCALL = 0,
	DCEA_RT_IO_URING = 1,
	DCEA_RT_PIDFD = 2,
	/* received over a unix socket (SCM_RIGHTS) */
	DCEA_RT_SCM = 3,
	/* held across an exec (a runtime's or an agent's leak, CVE-2024-21626) */
	DCEA_RT_INHERIT = 4,
	DCEA_RT_MAX,
};

/* proc_host_access path walks (object.kind DCEA_PH_WALK): the operation, in object.op */
enum dcea_walk_op {
	DCEA_WALK_MKDIR = 1,
	DCEA_WALK_SYMLINK,
	DCEA_WALK_LINK,
	DCEA_WALK_RENAME,
	DCEA_WALK_UNLINK,
	DCEA_WALK_OPEN, /* an io_uring open judged on its name before it runs */
	DCEA_WALK_SETXATTR,
	DCEA_WALK_CHMOD,
	DCEA_WALK_CHOWN,
	DCEA_WALK_MKNOD, /* a fifo or socket node made by mknod(2) */
	DCEA_WALK_BIND,	 /* a unix socket's file made by bind(2) */
	DCEA_WALK_MAX,
};

/* mount_sensitive: what makes the mount an escape step, in mount.kind */
enum dcea_mount_kind {
	DCEA_MK_NONE = 0,
	DCEA_MK_FSTYPE = 1, /* a pseudo fs that exposes the host: proc, sysfs, cgroup, debugfs... */
	DCEA_MK_BIND = 2,   /* a bind mount or a move */
	DCEA_MK_REMOUNT_RW = 3,
	DCEA_MK_DISK = 4,	/* a file system on a device */
	DCEA_MK_UNREADABLE = 5, /* an argument the program could not read: fails closed */
	DCEA_MK_MAX,
};

/* proc_host_access: what reached outside the container, in object.kind */
enum dcea_proc_kind {
	DCEA_PH_NSFILE = 1,	   /* a namespace file not among the container's own */
	DCEA_PH_FOREIGN_MOUNT = 2, /* a file on a mount outside the task's mount namespace */
	DCEA_PH_PROC_MEM = 3,	   /* /proc/<pid>/mem of a task outside the container */
	DCEA_PH_WALK = 4,	   /* a path walk through /proc/<pid> of one, or from outside */
	DCEA_PH_MAX,
};

/* Event kinds carried in dcea_event.kind */
enum dcea_event_kind {
	DCEA_EV_RULE = 0,      /* a rule matched */
	DCEA_EV_CONTAINER = 1, /* a container's entrypoint was exec'd; start.flags: DCEA_START_* */
	DCEA_EV_MAP_FULL = 2,  /* no room in a map: map_full.map; action: what was done */
	DCEA_EV_AGG = 3,       /* repeats of a rule's alert, summed (count, first_ns, last_ns) */
};

/* DCEA_EV_CONTAINER start.flags: what happened to the entrypoint at its exec */
#define DCEA_START_HELD	     (1U << 0) /* stopped (SIGSTOP) until the loader's admission verdict */
#define DCEA_START_NO_LOADER (1U << 1) /* a verdict was needed and no loader streams */

/* DCEA_EV_MAP_FULL map_full.map: which map had no room */
enum dcea_map_id {
	DCEA_MAP_CONTAINERS = 0, /* the new container is not tracked */
	DCEA_MAP_TASKS = 1,	 /* a container's entrypoint is not tracked */
	DCEA_MAP_SETUP = 2, /* a runtime's pivot_root was not seen: the container would be missed */
	DCEA_MAP_HELD = 3,  /* a container to hold for admission could not be recorded */
	DCEA_MAP_SCRATCH = 4, /* a container task's connect or recvmsg could not be marked: its exit
			       * would not be judged */
	DCEA_MAP_WALKLATER = 5, /* a path name unreadable on entry could not be kept for the exit */
	DCEA_MAP_MADVISE = 6, /* a process_madvise of a foreign process could not be marked (LSM) */
	DCEA_MAP_MAX,
};

/*
 * Admission (loader/admission.c), array map with one entry, written only by the streaming loader.
 * Kept out of dcea_config so the loader's heartbeat never races a mode switch's write.
 */
#define DCEA_ADM_REFUSE	  (1U << 0) /* the loader's policy can refuse containers (block mode) */
#define DCEA_ADM_STALE_NS (5ULL * 1000000000ULL) /* heartbeat older than this: no loader */
struct dcea_admission {
	__u64 heartbeat_ns; /* boot-time ns of the loader's last tick */
	__u32 flags;	    /* DCEA_ADM_* */
	__u32 pad;
};

/* held: hash keyed by cgroup v2 id, a container stopped at its entrypoint's exec */
struct dcea_hold {
	__u64 start_ns; /* boot-time ns of the exec */
	__u32 tgid;	/* host pid of the stopped entrypoint */
	__u32 pad;
};
#define DCEA_MAX_HELD 1024

/*
 * dcea_drops indexes: events lost or not tracked, each counted where it happens. An event the
 * aggregation table had no room for is delivered as it is (counted in DCEA_DROP_AGG_FULL, lost only
 * if its ring is full too).
 */
enum dcea_drop {
	DCEA_DROP_RING = 0,	  /* the ring of ordinary alerts was full: events lost */
	DCEA_DROP_TASKS = 1,	  /* tasks map full: tasks not tracked */
	DCEA_DROP_CONTAINERS = 2, /* containers map full */
	DCEA_DROP_SETUP = 3,	  /* setup or held map full */
	DCEA_DROP_RING_HI = 4,	  /* the reserved ring was full: deny/kill/critical events lost */
	DCEA_DROP_AGG_FULL = 5,	  /* aggregation table full: delivered unaggregated */
	DCEA_DROP_MAX = 8,
};

/*
 * The rule-specific numbers of an event: one struct per rule family, each member of the anonymous
 * union in struct dcea_event. Every struct is four __u64 (the size of `raw`): aggregation keys on
 * `raw`, so two alerts stay distinct whenever any of their numbers differs; event_start() zeroes
 * `raw`, so fields a program does not fill read 0. The strings of each kind go in dcea_event.path
 * and .str2, as said with each struct. The loader has one decoder per rule (loader/decode.c).
 */

/* mount_sensitive. path: the mount's source, str2: the file system type */
struct dcea_ev_mount {
	__u64 flags; /* mount(2) flags */
	__u64 kind;  /* enum dcea_mount_kind */
	__u64 pad[2];
};

/* mount_api. path: "fsopen" for fsopen, str2: its fs type; else str2: the syscall */
struct dcea_ev_mount_api {
	__u64 flags; /* open_tree's and move_mount's flags; 0 for fsopen and the LSM hook */
	__u64 pad[3];
};

/* device_create, block_device: what the cgroup device program was asked (no strings) */
struct dcea_ev_device {
	__u64 major;
	__u64 minor;
	__u64 access; /* bpf_cgroup_dev_ctx.access_type: BPF_DEVCG_DEV_* | BPF_DEVCG_ACC_* << 16 */
	__u64 pad;
};

/* capset_raise. str2: the syscall */
struct dcea_ev_capset {
	__u64 effective;     /* requested effective set (all bits: the request was unreadable) */
	__u64 inheritable;   /* requested inheritable set */
	__u64 cur_effective; /* the effective set the task held */
	__u64 pad;
};

/* setuid_root. str2: the syscall */
struct dcea_ev_setid {
	__u64 from; /* the task's effective id before the call */
	__u64 gid;  /* 1: a setgid-family call, the id is a gid */
	__u64 pad[2];
};

/* setns_foreign. str2: the syscall */
struct dcea_ev_setns {
	__u64 changed; /* bit per enum dcea_ns left for one not the container's */
	__u64 pad[3];
};

/* unshare_ns. str2: the syscall */
struct dcea_ev_unshare {
	__u64 flags; /* CLONE_NEW* flags asked for */
	__u64 pad[3];
};

/* ptrace_host. str2: the syscall (or "proc_mm_file") */
struct dcea_ev_ptrace {
	__u64 request; /* ptrace request, the LSM's access mode, 0 for a /proc/<pid> mm file */
	__u64 target_pid;
	__u64 pad[2];
};

/* bpf_load, module_load, open_by_handle, kexec_load. str2: the syscall */
struct dcea_ev_call {
	__u64 arg; /* the call's telling argument: bpf command, descriptor, length or LSM load id */
	__u64 pad[3];
};

/*
 * Rules judged on an object a task reached by some route: kernel_knob_file, proc_host_access,
 * dcea_tamper, runtime_socket. One layout, as the shared reporting helpers fill it (`what`,
 * `id`); the rule-specific names alias them. path: the file's name (a walk's or io_uring's name
 * as given, a socket's bound path); str2: the file's directory (a socket's name).
 */
struct dcea_ev_object {
	union {
		__u64 what;
		__u64 kind; /* proc_host_access: enum dcea_proc_kind; dcea_tamper: DCEA_TAMPER_* */
		__u64 signal;	/* dcea_tamper by a signal (its event has no path) */
		__u64 fs_magic; /* kernel_knob_file: the file's file system */
		__u64 fd;	/* runtime_socket: the connecting descriptor, -1 where unknown */
	};
	union {
		__u64 id;
		__u64 ns_inode;	  /* proc_host_access ns_file, foreign_mount: the namespace */
		__u64 target_pid; /* proc_host_access proc_mem, path_walk (0: from a dir outside),
				     dcea_tamper by a signal */
		__u64 inode;	  /* dcea_tamper of a file: the guarded entry */
	};
	__u64 op;    /* proc_host_access path_walk: enum dcea_walk_op */
	__u64 route; /* enum dcea_route */
};

/* ns_escape (no strings) */
struct dcea_ev_escape {
	__u64 bits;	     /* DCEA_ESC_* | bit per enum dcea_ns of the host's the task is in */
	__u64 cap_effective; /* the task's effective set */
	__u64 cap_bset;	     /* the container's bounding set (0: not known) */
	__u64 pad;
};

/* shell_in_container. path: the shell's */
struct dcea_ev_shell {
	__u64 interactive; /* 1: stdin is a terminal */
	__u64 entrypoint;  /* 1: the container's entrypoint */
	__u64 why;	   /* enum dcea_shell_why */
	__u64 pad;
};

/* cred_file_access. path: the file's */
struct dcea_ev_cred {
	__u64 write; /* 1: opened for writing */
	__u64 pad[3];
};

/* dev_file_create. path: the file's */
struct dcea_ev_dev_file {
	__u64 mode; /* file type and permissions */
	__u64 dev;  /* mknod's device number, 0 for an open that created it */
	__u64 pad[2];
};

/* privilege_gain_exec. path: the executable's */
struct dcea_ev_priv_exec {
	__u64 uid;
	__u64 euid;
	__u64 cap_effective;
	__u64 pad;
};

/* privileged_launch (no strings) */
struct dcea_ev_priv_launch {
	__u64 cap_effective; /* the entrypoint's effective set */
	__u64 cap_bset;	     /* the container's bounding set */
	__u64 pad[2];
};

/* drift_exec. path: the executable's */
struct dcea_ev_drift {
	__s64 changed; /* the file's change time, realtime s */
	__s64 started; /* the container's start, realtime s */
	__u64 pad[2];
};

/* a custom rule. path: the object's where one was rebuilt */
struct dcea_ev_custom {
	__u64 kind;  /* enum dcea_kind */
	__u64 value; /* the kind's number: open mode, mount flags, capset's effective set... */
	__u64 pad;
	__u64 index; /* the rule's position in the policy */
};

/* DCEA_EV_CONTAINER (no strings) */
struct dcea_ev_start {
	__u64 flags; /* DCEA_START_* */
	__u64 pad[3];
};

/* DCEA_EV_MAP_FULL (no strings) */
struct dcea_ev_map_full {
	__u64 map; /* enum dcea_map_id */
	__u64 pad[3];
};

/*
 * The record sent through the ring buffer: what every event carries, then the rule-specific
 * numbers (one member of the union, named by `rule` and `kind`). path and str2 as each
 * dcea_ev_* struct says. count: 0 for one occurrence; N for an aggregated report (DCEA_EV_AGG): N
 * repeats of this alert (same container, rule, action, executable, numbers, path and str2)
 * between first_ns and last_ns (boot time), the fields of the first of them.
 */
struct dcea_event {
	__u64 ts_boot_ns;
	__u64 cgroup_id;
	__u64 ns[DCEA_NS_MAX];
	union {
		__u64 raw[4]; /* all of them, for aggregation's key */
		struct dcea_ev_mount mount;
		struct dcea_ev_mount_api mount_api;
		struct dcea_ev_device device;
		struct dcea_ev_capset capset;
		struct dcea_ev_setid setid;
		struct dcea_ev_setns setns;
		struct dcea_ev_unshare unshare;
		struct dcea_ev_ptrace ptrace;
		struct dcea_ev_call call;
		struct dcea_ev_object object;
		struct dcea_ev_escape escape;
		struct dcea_ev_shell shell;
		struct dcea_ev_cred cred;
		struct dcea_ev_dev_file dev_file;
		struct dcea_ev_priv_exec priv_exec;
		struct dcea_ev_priv_launch priv_launch;
		struct dcea_ev_drift drift;
		struct dcea_ev_custom custom;
		struct dcea_ev_start start;
		struct dcea_ev_map_full map_full;
	};
	__u64 count;
	__u64 first_ns;
	__u64 last_ns;
	__u32 kind;
	__u32 rule;
	__u32 action;
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__s32 ret; /* the syscall's return where the hook sees it */
	char comm[DCEA_COMM_LEN];
	char exe[DCEA_COMM_LEN * 4]; /* basename of the executable (bpf_d_path is refused) */
	char cgname[DCEA_CGNAME_LEN];
	char path[DCEA_PATH_LEN];
	char str2[DCEA_STR2_LEN];
};

/*
 * Aggregation (bpf/agg.bpf.c): hash map keyed by what makes two alerts the same. A repeat within
 * DCEA_AGG_WINDOW_NS of the last alert delivered for its key is absorbed into the entry; the
 * loader's flush (DCEA_PRCTL_AGG_FLUSH) turns the absorbed repeats into one DCEA_EV_AGG record.
 */
struct dcea_agg_key {
	__u64 cgroup_id;
	__u64 raw[4]; /* dcea_event.raw: the rule-specific numbers */
	__u32 kind;
	__u32 rule;
	__u32 action;
	__u32 tid; /* ns_escape: the task (each escaped task is its own finding); else 0 */
	char exe[DCEA_COMM_LEN * 4];
	char path[DCEA_PATH_LEN];
	char str2[DCEA_STR2_LEN];
};
struct dcea_agg {
	__u64 count;	      /* repeats absorbed and not yet reported; only the flush lowers it */
	__u64 win_ns;	      /* boot ns of the last alert delivered at once for this key */
	__u64 first_ns;	      /* first repeat absorbed since the last report, 0: none */
	__u64 last_ns;	      /* last occurrence */
	struct dcea_event ev; /* the first repeat absorbed since the last report */
};
/* What the flush writes into dcea_aggout: a report of absorbed repeats, or an idle entry to remove
 */
#define DCEA_AGG_REPORT 1
#define DCEA_AGG_IDLE	2
struct dcea_agg_rec {
	__u32 type; /* DCEA_AGG_* */
	__u32 pad;
	struct dcea_agg_key key;
	struct dcea_event ev; /* DCEA_AGG_REPORT: kind DCEA_EV_AGG, count, first_ns, last_ns set */
};

_Static_assert(sizeof(struct dcea_event) == 8 * 14 + 8 * 4 + 8 * 3 + 16 + 64 + 80 + 256 + 64,
	       "dcea_event layout changed");
#define DCEA_EV_ARGS_SIZE(s) _Static_assert(sizeof(struct s) == 4 * 8, #s " is not 4 __u64")
DCEA_EV_ARGS_SIZE(dcea_ev_mount);
DCEA_EV_ARGS_SIZE(dcea_ev_mount_api);
DCEA_EV_ARGS_SIZE(dcea_ev_device);
DCEA_EV_ARGS_SIZE(dcea_ev_capset);
DCEA_EV_ARGS_SIZE(dcea_ev_setid);
DCEA_EV_ARGS_SIZE(dcea_ev_setns);
DCEA_EV_ARGS_SIZE(dcea_ev_unshare);
DCEA_EV_ARGS_SIZE(dcea_ev_ptrace);
DCEA_EV_ARGS_SIZE(dcea_ev_call);
DCEA_EV_ARGS_SIZE(dcea_ev_object);
DCEA_EV_ARGS_SIZE(dcea_ev_escape);
DCEA_EV_ARGS_SIZE(dcea_ev_shell);
DCEA_EV_ARGS_SIZE(dcea_ev_cred);
DCEA_EV_ARGS_SIZE(dcea_ev_dev_file);
DCEA_EV_ARGS_SIZE(dcea_ev_priv_exec);
DCEA_EV_ARGS_SIZE(dcea_ev_priv_launch);
DCEA_EV_ARGS_SIZE(dcea_ev_drift);
DCEA_EV_ARGS_SIZE(dcea_ev_custom);
DCEA_EV_ARGS_SIZE(dcea_ev_start);
DCEA_EV_ARGS_SIZE(dcea_ev_map_full);
#undef DCEA_EV_ARGS_SIZE
_Static_assert(sizeof(struct dcea_container) == 96, "dcea_container layout changed");
_Static_assert(sizeof(struct dcea_rule_cfg) == 24, "dcea_rule_cfg layout changed");
_Static_assert(sizeof(struct dcea_config) == 144 + 4 * 32 + 8 * DCEA_LEAF_FILTER_WORDS,
	       "dcea_config layout changed");
_Static_assert(DCEA_R_MAX <= 32 && DCEA_MAX_CUSTOM <= 32,
	       "exception masks: rules, then custom rules");
_Static_assert(DCEA_PM_EXC_EXE + DCEA_MAX_EXC <= 64 &&
		       DCEA_PM_CUSTOM_EXE + DCEA_MAX_CUSTOM <= DCEA_PM_EXC_EXE,
	       "path pattern bits");
_Static_assert(sizeof(struct dcea_admission) == 16, "dcea_admission layout changed");
_Static_assert(sizeof(struct dcea_hold) == 16, "dcea_hold layout changed");
_Static_assert(sizeof(struct dcea_file_key) == 16, "dcea_file_key layout changed");
_Static_assert(sizeof(struct dcea_agg_key) == 8 * 5 + 16 + 64 + 256 + 64, "dcea_agg_key layout");
_Static_assert(sizeof(struct dcea_agg) == 32 + sizeof(struct dcea_event), "dcea_agg layout");

#endif
