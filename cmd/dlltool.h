/* dlltool.h - mkimplib answering to dlltool's command line. */
#ifndef DK_CMD_DLLTOOL_H
#define DK_CMD_DLLTOOL_H
#include <stdbool.h>

/* True when argv[0] names the tool as a dlltool: its base name holds
 * "dlltool" (dllkit-dlltool, x86_64-w64-mingw32-dlltool, dlltool-22). */
bool dlltool_called(const char *argv0);

/* The whole run in dlltool's terms; returns the exit status. */
int dlltool_main(int argc, char **argv);
#endif
