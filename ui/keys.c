/* svff — key names, as ui.keys in the configuration and the demo's tour
 * write them ("A", "^X", "F5", "Tab", ...). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "console_int.h"
#include "curses.h"

static const struct { const char *name; int code; } key_names[] = {
	{ "Tab", '\t' }, { "BTab", KEY_BTAB }, { "Enter", '\n' }, { "Esc", 27 }, { "Space", ' ' },
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
	{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
	{ "Backspace", KEY_BACKSPACE }, { "Delete", KEY_DC }, { "Insert", KEY_IC },
};

int ui_key_parse(const char *name)
{
	int n;

	if (strlen(name) == 1 && isprint((unsigned char)name[0]))
		return (unsigned char)name[0];
	if (name[0] == '^' && strlen(name) == 2 && isalpha((unsigned char)name[1]))
		return toupper((unsigned char)name[1]) - '@';
	if ((name[0] == 'F' || name[0] == 'f') && sscanf(name + 1, "%d", &n) == 1 && n >= 1 && n <= 12 &&
	    strlen(name) <= 3)
		return KEY_F(n);
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (!strcasecmp(name, key_names[i].name))
			return key_names[i].code;
	return -1;
}

void ui_key_label(int key, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		if (key == key_names[i].code) {
			snprintf(buf, len, "%s", key_names[i].name);
			return;
		}
	}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, len, "F%d", key - KEY_F(0));
	else if (key > 0 && key < 27)
		snprintf(buf, len, "^%c", key + '@');
	else
		snprintf(buf, len, "%c", key);
}

bool ui_key_is_navigation(int k)
{
	static const int nav[] = {
		KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END, KEY_BTAB,
		'j', 'k', 'l', 'g', 'G', '\r', '\n', KEY_ENTER, 27,
	};

	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++)
		if (k == nav[i])
			return true;
	return false;
}
