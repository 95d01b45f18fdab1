// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lists of a policy file: a sequence replaces a list, {add, remove} edits it. Names are checked
 * against the kernel map key they become (docs/POLICY.md has the sizes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <linux/magic.h>

#include "common/util.h"
#include "policy/parse_int.h"

#define CONFIGFS_MAGIC 0x62656570

static const struct {
	const char *name;
	unsigned int magic;
} fs_magics[] = {
	{ "cgroup", CGROUP_SUPER_MAGIC },  { "cgroup2", CGROUP2_SUPER_MAGIC },
	{ "sysfs", SYSFS_MAGIC },	   { "proc", PROC_SUPER_MAGIC },
	{ "binfmt_misc", BINFMTFS_MAGIC }, { "securityfs", SECURITYFS_MAGIC },
	{ "debugfs", DEBUGFS_MAGIC },	   { "tracefs", TRACEFS_MAGIC },
	{ "bpf", BPF_FS_MAGIC },	   { "configfs", CONFIGFS_MAGIC },
	{ "efivarfs", EFIVARFS_MAGIC },	   { "pstore", PSTOREFS_MAGIC },
	{ "devpts", DEVPTS_SUPER_MAGIC },  { "tmpfs", TMPFS_MAGIC },
	{ "hugetlbfs", HUGETLBFS_MAGIC },
};

const char *policy_fs_name(unsigned int magic)
{
	for (size_t i = 0; i < ARRAY_SIZE(fs_magics); i++)
		if (fs_magics[i].magic == magic)
			return fs_magics[i].name;
	return NULL;
}

int policy_fs_parse(const char *s, unsigned int *magic)
{
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(fs_magics); i++)
		if (!strcmp(fs_magics[i].name, s)) {
			*magic = fs_magics[i].magic;
			return 0;
		}
	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
		char *end;

		errno = 0;
		v = strtoull(s + 2, &end, 16);
		if (errno || end == s + 2 || *end)
			return -EINVAL;
	} else if (parse_u64(s, &v)) {
		return -EINVAL;
	}
	if (!v || v > UINT32_MAX)
		return -EINVAL;
	*magic = v;
	return 0;
}

const char *const policy_list_names[POLICY_L_MAX] = {
	[POLICY_L_FSTYPES] = "fstypes",	      [POLICY_L_SYSCTLS] = "sysctls",
	[POLICY_L_KNOB_FILES] = "knob_files", [POLICY_L_SOCKETS] = "runtime_sockets",
	[POLICY_L_SHELLS] = "shells",	      [POLICY_L_CRED_FILES] = "cred_files",
};

const char *policy_path_problem(const char *s)
{
	size_t n = strlen(s);
	const char *star = strchr(s, '*');

	if (s[0] != '/')
		return "must be an absolute path";
	if (n >= POLICY_PATH_LEN)
		return "is longer than the 255 characters the kernel side matches";
	if (strpbrk(s, "?[]{}") || (star && (star != s + n - 1 || n < 3 || s[n - 2] != '/')))
		return "has a glob the kernel side cannot hold (only a final '/*' for everything "
		       "below a directory)";
	if (n == 2 && star)
		return "'/*' would match every path";
	if (strstr(s, "//") || strstr(s, "/./") || strstr(s, "/../") ||
	    (n >= 2 && !strcmp(s + n - 2, "/.")) || (n >= 3 && !strcmp(s + n - 3, "/..")))
		return "has an empty, '.' or '..' component (the kernel matches the real path)";
	if (n > 1 && s[n - 1] == '/')
		return "ends with '/' (write '/dir/*' for everything below a directory)";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			return "has a control character";
	return NULL;
}

/* ---- lists: { <list>: [replacement...] | { add: [...], remove: [...] } } ---- */

struct list_desc {
	size_t off;	   /* of the array in struct policy */
	size_t n_off;	   /* of its count */
	size_t stride;	   /* bytes per entry; for names the kernel key size, NUL included */
	const char *shape; /* what a bad name should look like, for messages */
};

static const struct list_desc lists[POLICY_L_MAX] = {
	[POLICY_L_FSTYPES] = { offsetof(struct policy, fstypes), offsetof(struct policy, n_fstypes),
			       sizeof(((struct policy *)0)->fstypes[0]),
			       "a file system type like 'proc'" },
	[POLICY_L_SYSCTLS] = { offsetof(struct policy, sysctls), offsetof(struct policy, n_sysctls),
			       sizeof(((struct policy *)0)->sysctls[0]),
			       "a path under /proc/sys like 'kernel/core_pattern'" },
	[POLICY_L_KNOB_FILES] = { offsetof(struct policy, knob_files),
				  offsetof(struct policy, n_knob_files),
				  sizeof(struct policy_knob_file),
				  "a file name like 'release_agent'" },
	[POLICY_L_SOCKETS] = { offsetof(struct policy, sockets), offsetof(struct policy, n_sockets),
			       sizeof(((struct policy *)0)->sockets[0]),
			       "a socket file name like 'docker.sock'" },
	[POLICY_L_SHELLS] = { offsetof(struct policy, shells), offsetof(struct policy, n_shells),
			      sizeof(((struct policy *)0)->shells[0]),
			      "a program name like 'bash' (its name after exec)" },
	[POLICY_L_CRED_FILES] = { offsetof(struct policy, cred_files),
				  offsetof(struct policy, n_cred_files),
				  sizeof(((struct policy *)0)->cred_files[0]),
				  "an absolute path like '/etc/shadow' or '/root/.ssh/*'" },
};

size_t policy_list_len(const struct policy *p, enum policy_list l)
{
	return *(const size_t *)((const char *)p + lists[l].n_off);
}

static bool good_name(enum policy_list l, const char *s)
{
	size_t n = strlen(s);

	if (l == POLICY_L_CRED_FILES)
		return !policy_path_problem(s);
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] == 0x7f || (s[i] == '/' && l != POLICY_L_SYSCTLS))
			return false;
	if (l == POLICY_L_SYSCTLS)
		return s[0] != '/' && s[n - 1] != '/' && strchr(s, '/') && !strstr(s, "//");
	return strcmp(s, ".") && strcmp(s, "..");
}

/* A name into a zeroed slot of `size` bytes (the kernel key, NUL included). */
static int get_name(struct pctx *c, enum policy_list l, const char *what, yaml_node_t *n, char *out,
		    size_t size)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE)
		return pol_err(c, n, "entries of '%s' must be strings", what);
	if (pol_is_null(n))
		return pol_err(c, n, "empty entry in '%s'", what);
	s = scalar(n);
	if (strlen(s) >= size && l != POLICY_L_CRED_FILES)
		return pol_err(c, n,
			       "'%s' in '%s' is too long for the kernel (at most %zu characters)",
			       s, what, size - 1);
	if (l == POLICY_L_CRED_FILES && policy_path_problem(s))
		return pol_err(c, n, "'%s' in '%s' %s", s, what, policy_path_problem(s));
	if (!good_name(l, s))
		return pol_err(c, n, "'%s' in '%s' is not %s", s, what, lists[l].shape);
	memcpy(out, s, strlen(s));
	return 0;
}

static int h_knob_fs(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_knob_file *kf = obj;
	const char *s = pol_word(c, k, v);

	if (!s)
		return -EINVAL;
	if (policy_fs_parse(s, &kf->magic))
		return pol_err(
			c, v, "unknown file system '%s' (a name like proc or a number like 0x9fa0)",
			s);
	return 0;
}

static int h_knob_name(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct policy_knob_file *kf = obj;

	return get_name(c, POLICY_L_KNOB_FILES, "knob_files", v, kf->name, sizeof(kf->name));
}

static const struct handler knob_handlers[] = {
	{ "fs", h_knob_fs, 0, true },
	{ "name", h_knob_name, 0, true },
	{},
};

static int get_entry(struct pctx *c, enum policy_list l, const char *what, yaml_node_t *n,
		     void *out)
{
	memset(out, 0, lists[l].stride);
	if (l == POLICY_L_KNOB_FILES) {
		if (n->type != YAML_MAPPING_NODE)
			return pol_err(c, n,
				       "entries of '%s' must be {fs: FS, name: NAME} mappings",
				       what);
		return pol_walk(c, n, what, knob_handlers, out);
	}
	return get_name(c, l, what, n, out, lists[l].stride);
}

/* The entry as messages show it: the name, or fs:name for knob files. */
static const char *entry_str(enum policy_list l, const void *e, char *buf, size_t size)
{
	const struct policy_knob_file *kf = e;
	const char *fs;

	if (l != POLICY_L_KNOB_FILES)
		return e;
	fs = policy_fs_name(kf->magic);
	if (fs)
		snprintf(buf, size, "%s:%s", fs, kf->name);
	else
		snprintf(buf, size, "%#x:%s", kf->magic, kf->name);
	return buf;
}

static ssize_t find(enum policy_list l, const char *arr, size_t n, const void *e)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(arr + i * lists[l].stride, e, lists[l].stride))
			return i;
	return -1;
}

#define ENTRY_MAX POLICY_PATH_LEN /* the largest entry */

struct entries {
	char buf[POLICY_MAX_LIST * ENTRY_MAX];
	yaml_node_t *nodes[POLICY_MAX_LIST];
	size_t n;
};

/* A sequence of distinct, valid entries, at most POLICY_MAX_LIST. */
static int get_entries(struct pctx *c, enum policy_list l, const char *what, yaml_node_t *seq,
		       struct entries *out)
{
	size_t stride = lists[l].stride;
	char slot[ENTRY_MAX], tmp[ENTRY_MAX];
	int ret = 0;

	_Static_assert(sizeof(struct policy_knob_file) <= sizeof(slot), "entries fit the slot");
	out->n = 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return pol_err(c, seq, "'%s' must be a sequence", what);
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = node(c, *it);
		int err;

		if (out->n == POLICY_MAX_LIST)
			return pol_err(c, n, "too many entries in '%s' (at most %d)", what,
				       POLICY_MAX_LIST);
		err = get_entry(c, l, what, n, slot);
		if (err && err != -EINVAL)
			return err;
		if (err) {
			ret = err;
			continue;
		}
		if (find(l, out->buf, out->n, slot) >= 0) {
			ret = pol_err(c, n, "duplicate entry '%s' in '%s'",
				      entry_str(l, slot, tmp, sizeof(tmp)), what);
			continue;
		}
		memcpy(out->buf + out->n * stride, slot, stride);
		out->nodes[out->n++] = n;
	}
	return ret;
}

static int replace_list(struct pctx *c, enum policy_list l, yaml_node_t *seq)
{
	struct entries *e = calloc(1, sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	err = get_entries(c, l, policy_list_names[l], seq, e);
	if (!err) {
		memcpy((char *)c->p + lists[l].off, e->buf, e->n * lists[l].stride);
		*(size_t *)((char *)c->p + lists[l].n_off) = e->n;
	}
	free(e);
	return err;
}

struct list_edit {
	yaml_node_t *add, *remove;
};

static int h_edit_node(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	struct list_edit *ed = obj;

	if (arg)
		ed->remove = v;
	else
		ed->add = v;
	return 0;
}

static const struct handler edit_handlers[] = {
	{ "add", h_edit_node, 0 },
	{ "remove", h_edit_node, 1 },
	{},
};

/* remove first, then add; adding what is already there is a no-op, removing what is not an error */
static int edit_list(struct pctx *c, enum policy_list l, yaml_node_t *map)
{
	const char *name = policy_list_names[l];
	char *arr = (char *)c->p + lists[l].off, tmp[ENTRY_MAX], what[48];
	size_t *n = (size_t *)((char *)c->p + lists[l].n_off), stride = lists[l].stride;
	struct list_edit ed = {};
	struct entries *add = NULL, *rm = NULL;
	int err, ret;

	ret = pol_walk(c, map, name, edit_handlers, &ed);
	if (ret && ret != -EINVAL)
		return ret;
	add = calloc(1, sizeof(*add));
	rm = calloc(1, sizeof(*rm));
	if (!add || !rm) {
		ret = -ENOMEM;
		goto cleanup;
	}
	if (ed.remove) {
		snprintf(what, sizeof(what), "%s.remove", name);
		err = get_entries(c, l, what, ed.remove, rm);
		if (err && err != -EINVAL) {
			ret = err;
			goto cleanup;
		}
		ret = ret ?: err;
	}
	if (ed.add) {
		snprintf(what, sizeof(what), "%s.add", name);
		err = get_entries(c, l, what, ed.add, add);
		if (err && err != -EINVAL) {
			ret = err;
			goto cleanup;
		}
		ret = ret ?: err;
	}
	for (size_t i = 0; i < rm->n; i++) {
		const char *e = rm->buf + i * stride;
		ssize_t at = find(l, arr, *n, e);

		if (find(l, add->buf, add->n, e) >= 0) {
			ret = pol_err(c, rm->nodes[i],
				      "'%s' is both added to and removed from '%s'",
				      entry_str(l, e, tmp, sizeof(tmp)), name);
		} else if (at < 0) {
			ret = pol_err(c, rm->nodes[i], "cannot remove '%s': it is not in '%s'",
				      entry_str(l, e, tmp, sizeof(tmp)), name);
		} else {
			memmove(arr + at * stride, arr + (at + 1) * stride, (*n - at - 1) * stride);
			(*n)--;
		}
	}
	for (size_t i = 0; i < add->n; i++) {
		const char *e = add->buf + i * stride;

		if (find(l, arr, *n, e) >= 0)
			continue;
		if (*n == POLICY_MAX_LIST) {
			ret = pol_err(c, add->nodes[i], "too many entries in '%s' (at most %d)",
				      name, POLICY_MAX_LIST);
			break;
		}
		memcpy(arr + (*n)++ * stride, e, stride);
	}
cleanup:
	free(add);
	free(rm);
	return ret;
}

static int h_list(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	if (v->type == YAML_SEQUENCE_NODE)
		return replace_list(c, arg, v);
	if (v->type == YAML_MAPPING_NODE)
		return edit_list(c, arg, v);
	return pol_err(c, v,
		       "'%s' must be a sequence (replacing the list) or a mapping with add/remove",
		       scalar(k));
}

static const struct handler list_handlers[] = {
	{ "fstypes", h_list, POLICY_L_FSTYPES },
	{ "sysctls", h_list, POLICY_L_SYSCTLS },
	{ "knob_files", h_list, POLICY_L_KNOB_FILES },
	{ "runtime_sockets", h_list, POLICY_L_SOCKETS },
	{ "shells", h_list, POLICY_L_SHELLS },
	{ "cred_files", h_list, POLICY_L_CRED_FILES },
	{},
};

int pol_lists(struct pctx *c, yaml_node_t *k, yaml_node_t *v, void *obj, int arg)
{
	return pol_walk(c, v, "lists", list_handlers, NULL);
}
