/* svff — the demo's scripted tour, read from its file (script.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"
#include "../ui/console.h"

static int add(struct script *s, struct script_step st)
{
	struct script_step *n = realloc(s->steps, (s->n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	s->steps = n;
	s->steps[s->n++] = st;
	return 0;
}

static char *trim(char *p)
{
	char *e;

	while (isspace((unsigned char)*p))
		p++;
	e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return p;
}

int script_load(const char *path, struct script **out, struct svff_err *err)
{
	struct script *s = calloc(1, sizeof(*s));
	char buf[512];
	FILE *f;
	int line = 0, rc = 0;

	*out = NULL;
	if (!s)
		return svff_err_set(err, ENOMEM, "out of memory");
	f = fopen(path, "r");
	if (!f) {
		rc = svff_err_set(err, errno, "--script %s: %s", path, strerror(errno));
		script_free(s);
		return rc;
	}
	while (rc == 0 && fgets(buf, sizeof(buf), f)) {
		struct script_step st = { .line = ++line };
		char *cmd, *arg;

		cmd = trim(buf);
		if (!*cmd || *cmd == '#')
			continue;
		arg = cmd + strcspn(cmd, " \t");
		if (*arg)
			*arg++ = '\0';
		arg = trim(arg);
		if (!strcmp(cmd, "key")) {
			char *tok, *save = NULL;

			if (!*arg)
				rc = svff_err_set(err, EINVAL, "%s:%d: key needs a key name", path, line);
			for (tok = strtok_r(arg, " \t", &save); rc == 0 && tok; tok = strtok_r(NULL, " \t", &save)) {
				st.op = SCRIPT_KEY;
				st.key = ui_key_parse(tok);
				if (st.key < 0)
					rc = svff_err_set(err, EINVAL, "%s:%d: '%s' is not a key (a character, ^X, F1-F12, "
							  "Tab, BTab, Enter, Esc, Space, Up, Down, Left, Right, PgUp, PgDn, "
							  "Home, End)", path, line, tok);
				else if (add(s, st) < 0)
					rc = svff_err_set(err, ENOMEM, "out of memory");
			}
		} else if (!strcmp(cmd, "type")) {
			for (const char *p = arg; rc == 0 && *p; p++) {
				st.op = SCRIPT_KEY;
				st.key = (unsigned char)*p;
				if (add(s, st) < 0)
					rc = svff_err_set(err, ENOMEM, "out of memory");
			}
		} else if (!strcmp(cmd, "wait")) {
			char *end;

			st.op = SCRIPT_WAIT;
			st.ms = strtol(arg, &end, 10);
			if (!*arg || *end || st.ms < 0 || st.ms > 600000)
				rc = svff_err_set(err, EINVAL, "%s:%d: wait takes milliseconds (0 to 600000), not '%s'",
						  path, line, arg);
			else if (add(s, st) < 0)
				rc = svff_err_set(err, ENOMEM, "out of memory");
		} else if (!strcmp(cmd, "say")) {
			st.op = SCRIPT_SAY;
			snprintf(st.text, sizeof(st.text), "%s", arg);
			if (add(s, st) < 0)
				rc = svff_err_set(err, ENOMEM, "out of memory");
		} else {
			rc = svff_err_set(err, EINVAL, "%s:%d: unknown command '%s' (key, type, wait, say)", path, line,
					  cmd);
		}
	}
	fclose(f);
	if (rc < 0) {
		script_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void script_free(struct script *s)
{
	if (!s)
		return;
	free(s->steps);
	free(s);
}
