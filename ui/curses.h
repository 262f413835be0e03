/* svff — the one place that includes curses. */
#ifndef SVFF_UI_CURSES_H
#define SVFF_UI_CURSES_H

#include <curses.h>

#endif
