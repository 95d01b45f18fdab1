// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "rules/rules.h"
#include "policy/parse.h"
#include "policy/show.h"

static const char *const list_comments[POLICY_L_MAX] = {
	[POLICY_L_FSTYPES] = "file system types not to mount (mount_sensitive, mount_api)",
	[POLICY_L_SYSCTLS] = "knobs under /proc/sys not to write (kernel_knob_sysctl)",
	[POLICY_L_KNOB_FILES] =
		"files not to open for write, by file system and name (kernel_knob_file)",
	[POLICY_L_SOCKETS] = "runtime socket file names not to connect to (runtime_socket)",
	[POLICY_L_SHELLS] = "program names (after exec) that are shells (shell_in_container)",
	[POLICY_L_CRED_FILES] =
		"credential files: exact paths or '/dir/*' for everything below (cred_file_access)",
};

/* Plain when the name reads back as itself, single-quoted otherwise (names hold no spaces). */
static void put_name(FILE *f, const char *s)
{
	bool plain = s[0] != '-' && strcmp(s, "null") && strcmp(s, "Null") && strcmp(s, "NULL");

	for (const char *c = s; *c && plain; c++)
		plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || strchr("._/+-", *c);
	if (plain) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (const char *c = s; *c; c++)
		fputs(*c == '\'' ? "''" : (char[]){ *c, 0 }, f);
	fputc('\'', f);
}

static void put_fs(FILE *f, unsigned int magic)
{
	const char *fs = policy_fs_name(magic);

	if (fs)
		fputs(fs, f);
	else
		fprintf(f, "%#x", magic);
}

static const char *list_entry(const struct policy *p, enum policy_list l, size_t i)
{
	switch (l) {
	case POLICY_L_FSTYPES:
		return p->fstypes[i];
	case POLICY_L_SYSCTLS:
		return p->sysctls[i];
	case POLICY_L_SOCKETS:
		return p->sockets[i];
	case POLICY_L_SHELLS:
		return p->shells[i];
	case POLICY_L_CRED_FILES:
		return p->cred_files[i];
	default:
		return p->knob_files[i].name;
	}
}

static void put_selector(FILE *f, const struct policy_selector *sel)
{
	const char *sep = "";

	fputs("{", f);
	if (sel->name[0]) {
		fputs("name: ", f);
		put_name(f, sel->name);
		sep = ", ";
	}
	if (sel->image[0]) {
		fprintf(f, "%simage: ", sep);
		put_name(f, sel->image);
		sep = ", ";
	}
	if (sel->id[0]) {
		fprintf(f, "%sid: ", sep);
		put_name(f, sel->id);
	}
	fputs("}", f);
}

/* A rule bit of an exception: a built-in rule id, or 32 + a custom rule's index */
static const char *exc_rule_name(const struct policy *p, int bit)
{
	if (bit < 32)
		return bit < DCEA_R_MAX ? rule_table[bit].name : "?";
	return (size_t)(bit - 32) < p->n_custom ? p->custom[bit - 32].id : "?";
}

static void print_custom_yaml(FILE *f, const struct policy *p)
{
	fputs("\n# rules of your own from the kernel side's building blocks (docs/POLICY.md):\n"
	      "# kind: exec|open_read|open_write|mount|mknod|setuid|capset|connect; path, exe: an "
	      "exact\n"
	      "# path or '/dir/*'; container: {name, image, id} globs\n",
	      f);
	fputs(p->n_custom ? "custom_rules:\n" : "custom_rules: []\n", f);
	for (size_t i = 0; i < p->n_custom; i++) {
		const struct policy_custom *r = &p->custom[i];

		fprintf(f, "  - id: %s\n", r->id);
		if (r->description[0]) {
			fputs("    description: ", f);
			put_name(f, r->description);
			fputc('\n', f);
		}
		fprintf(f, "    kind: %s\n", policy_kind_names[r->kind]);
		if (r->path[0]) {
			fputs("    path: ", f);
			put_name(f, r->path);
			fputc('\n', f);
		}
		if (r->exe[0]) {
			fputs("    exe: ", f);
			put_name(f, r->exe);
			fputc('\n', f);
		}
		if (r->has_ct) {
			fputs("    container: ", f);
			put_selector(f, &r->ct);
			fputc('\n', f);
		}
		fprintf(f, "    enabled: %s\n    action: %s\n    severity: %s\n",
			r->enabled ? "true" : "false",
			r->action == POLICY_BLOCK ? "block" : "alert", severity_name(r->severity));
	}
	fputs("\n# matches not to report or block: rules (built-in or custom ids) for a container\n"
	      "# and/or an executable; each is counted in 'dcea status'\n",
	      f);
	fputs(p->n_exc ? "exceptions:\n" : "exceptions: []\n", f);
	for (size_t i = 0; i < p->n_exc; i++) {
		const struct policy_exception *x = &p->exc[i];
		const char *sep = "";

		fputs("  - rules: [", f);
		for (int b = 0; b < 64; b++)
			if (x->rules & (1ULL << b)) {
				fprintf(f, "%s%s", sep, exc_rule_name(p, b));
				sep = ", ";
			}
		fputs("]\n", f);
		if (x->has_ct) {
			fputs("    container: ", f);
			put_selector(f, &x->ct);
			fputc('\n', f);
		}
		if (x->exe[0]) {
			fputs("    exe: ", f);
			put_name(f, x->exe);
			fputc('\n', f);
		}
		if (x->comment[0]) {
			fputs("    comment: ", f);
			put_name(f, x->comment);
			fputc('\n', f);
		}
	}
}

static json_object *selector_json(const struct policy_selector *sel)
{
	json_object *o = json_object_new_object();

	if (sel->name[0])
		json_object_object_add(o, "name", json_object_new_string(sel->name));
	if (sel->image[0])
		json_object_object_add(o, "image", json_object_new_string(sel->image));
	if (sel->id[0])
		json_object_object_add(o, "id", json_object_new_string(sel->id));
	return o;
}

static void custom_json(json_object *o, const struct policy *p)
{
	json_object *cr = json_object_new_array(), *ex = json_object_new_array();

	for (size_t i = 0; i < p->n_custom; i++) {
		const struct policy_custom *r = &p->custom[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "id", json_object_new_string(r->id));
		json_object_object_add(e, "description", json_object_new_string(r->description));
		json_object_object_add(e, "kind",
				       json_object_new_string(policy_kind_names[r->kind]));
		if (r->path[0])
			json_object_object_add(e, "path", json_object_new_string(r->path));
		if (r->exe[0])
			json_object_object_add(e, "exe", json_object_new_string(r->exe));
		if (r->has_ct)
			json_object_object_add(e, "container", selector_json(&r->ct));
		json_object_object_add(e, "enabled", json_object_new_boolean(r->enabled));
		json_object_object_add(
			e, "action",
			json_object_new_string(r->action == POLICY_BLOCK ? "block" : "alert"));
		json_object_object_add(e, "severity",
				       json_object_new_string(severity_name(r->severity)));
		json_object_array_add(cr, e);
	}
	for (size_t i = 0; i < p->n_exc; i++) {
		const struct policy_exception *x = &p->exc[i];
		json_object *e = json_object_new_object(), *rules = json_object_new_array();

		for (int b = 0; b < 64; b++)
			if (x->rules & (1ULL << b))
				json_object_array_add(rules,
						      json_object_new_string(exc_rule_name(p, b)));
		json_object_object_add(e, "rules", rules);
		if (x->has_ct)
			json_object_object_add(e, "container", selector_json(&x->ct));
		if (x->exe[0])
			json_object_object_add(e, "exe", json_object_new_string(x->exe));
		if (x->comment[0])
			json_object_object_add(e, "comment", json_object_new_string(x->comment));
		json_object_array_add(ex, e);
	}
	json_object_object_add(o, "custom_rules", cr);
	json_object_object_add(o, "exceptions", ex);
}

void policy_print_yaml(FILE *f, const struct policy *p)
{
	int w = 0;

	fputs("# dcea policy; the schema is in docs/POLICY.md. Print the built-in default with\n",
	      f);
	fputs("# 'dcea policy show', validate an edited copy with 'dcea policy check FILE'.\n", f);
	fputs("version: 1\n\n", f);
	fputs("# audit: report only; block: deny or kill what rules with action block match\n", f);
	fprintf(f, "mode: %s\n\n", mode_name(p->mode));
	fputs("# enabled: true|false, action: alert|block, severity: "
	      "info|low|medium|high|critical\n",
	      f);
	fputs("rules:\n", f);
	for (int i = 0; i < DCEA_R_MAX; i++)
		if ((int)strlen(rule_table[i].name) > w)
			w = strlen(rule_table[i].name);
	for (int i = 0; i < DCEA_R_MAX; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (i == DCEA_R_CUSTOM)
			continue; /* custom rules are listed under custom_rules */
		fprintf(f, "  # %s\n  %s:%*s {enabled: %s, action: %s, severity: %s%s%s}\n",
			rule_table[i].title, rule_table[i].name,
			w - (int)strlen(rule_table[i].name), "", r->enabled ? "true" : "false",
			r->action == POLICY_BLOCK ? "block" : "alert", severity_name(r->severity),
			i == DCEA_R_SHELL ? ", non_interactive: " : "",
			i != DCEA_R_SHELL	      ? ""
			: r->opts & DCEA_RO_SHELL_ALL ? "all"
						      : "unexpected_parent");
	}
	fprintf(f, "\n# a sequence replaces a list; {add: [...], remove: [...]} edits the default\n"
		   "lists:\n");
	for (int l = 0; l < POLICY_L_MAX; l++) {
		size_t n = policy_list_len(p, l);

		fprintf(f, "  # %s\n  %s:%s\n", list_comments[l], policy_list_names[l],
			n ? "" : " []");
		for (size_t i = 0; i < n; i++) {
			fputs("    - ", f);
			if (l == POLICY_L_KNOB_FILES) {
				fputs("{fs: ", f);
				put_fs(f, p->knob_files[i].magic);
				fputs(", name: ", f);
				put_name(f, p->knob_files[i].name);
				fputs("}\n", f);
			} else {
				put_name(f, list_entry(p, l, i));
				fputc('\n', f);
			}
		}
	}
	print_custom_yaml(f, p);
	policy_admission_print_yaml(f, &p->admission);
}

json_object *policy_to_json(const struct policy *p)
{
	json_object *o = json_object_new_object(), *rules = json_object_new_object();
	json_object *lists = json_object_new_object();

	json_object_object_add(o, "version", json_object_new_int(POLICY_VERSION));
	json_object_object_add(o, "mode", json_object_new_string(mode_name(p->mode)));
	for (int i = 0; i < DCEA_R_MAX; i++) {
		json_object *r = json_object_new_object();

		json_object_object_add(r, "enabled", json_object_new_boolean(p->rules[i].enabled));
		json_object_object_add(r, "action",
				       json_object_new_string(p->rules[i].action == POLICY_BLOCK
								      ? "block"
								      : "alert"));
		json_object_object_add(r, "severity",
				       json_object_new_string(severity_name(p->rules[i].severity)));
		if (i == DCEA_R_SHELL)
			json_object_object_add(
				r, "non_interactive",
				json_object_new_string(p->rules[i].opts & DCEA_RO_SHELL_ALL
							       ? "all"
							       : "unexpected_parent"));
		if (i == DCEA_R_CUSTOM)
			json_object_put(r);
		else
			json_object_object_add(rules, rule_table[i].name, r);
	}
	for (int l = 0; l < POLICY_L_MAX; l++) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < policy_list_len(p, l); i++) {
			json_object *e;

			if (l == POLICY_L_KNOB_FILES) {
				const char *fs = policy_fs_name(p->knob_files[i].magic);
				char hex[16];

				snprintf(hex, sizeof(hex), "%#x", p->knob_files[i].magic);
				e = json_object_new_object();
				json_object_object_add(e, "fs", json_object_new_string(fs ?: hex));
				json_object_object_add(
					e, "magic", json_object_new_int64(p->knob_files[i].magic));
				json_object_object_add(
					e, "name", json_object_new_string(p->knob_files[i].name));
			} else {
				e = json_object_new_string(list_entry(p, l, i));
			}
			json_object_array_add(a, e);
		}
		json_object_object_add(lists, policy_list_names[l], a);
	}
	json_object_object_add(o, "rules", rules);
	json_object_object_add(o, "lists", lists);
	custom_json(o, p);
	json_object_object_add(o, "admission", policy_admission_json(&p->admission));
	return o;
}

void policy_print_summary(FILE *f, const char *file, const struct policy *p)
{
	int on = 0;

	for (int i = 0; i < DCEA_R_MAX; i++)
		on += p->rules[i].enabled;
	fprintf(f, "policy '%s' is valid\n\nmode   %s\nrules  %d of %d enabled\n\n", file,
		mode_name(p->mode), on, DCEA_R_MAX);
	fprintf(f, "%-22s %-8s %-7s %s\n", "RULE", "ENABLED", "ACTION", "SEVERITY");
	for (int i = 0; i < DCEA_R_MAX; i++)
		fprintf(f, "%-22s %-8s %-7s %s\n", rule_table[i].name,
			p->rules[i].enabled ? "yes" : "no",
			p->rules[i].action == POLICY_BLOCK ? "block" : "alert",
			severity_name(p->rules[i].severity));
	fprintf(f, "\n%-16s %s\n", "LIST", "ENTRIES");
	for (int l = 0; l < POLICY_L_MAX; l++)
		fprintf(f, "%-16s %zu of %d\n", policy_list_names[l], policy_list_len(p, l),
			POLICY_MAX_LIST);
	fprintf(f, "\ncustom rules  %zu of %d\nexceptions    %zu of %d\n", p->n_custom,
		DCEA_MAX_CUSTOM, p->n_exc, DCEA_MAX_EXC);
	for (size_t i = 0; i < p->n_custom; i++)
		fprintf(f, "  custom %-20s %-10s %s%s%s\n", p->custom[i].id,
			policy_kind_names[p->custom[i].kind],
			p->custom[i].action == POLICY_BLOCK ? "block" : "alert",
			p->custom[i].path[0] ? " path " : "", p->custom[i].path);
	policy_admission_print_summary(f, &p->admission);
}
