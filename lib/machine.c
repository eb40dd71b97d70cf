/* machine.c - the table of Windows machines dllkit knows. */
#include <string.h>
#include <strings.h>
#include "dllkit.h"

#define MAX_ALIASES 5

static const struct machine_info {
	dk_machine m;
	const char *name;
	const char *aliases[MAX_ALIASES];
	unsigned ptr;
	bool underscore;
} machines[] = {
	/* The aliases include the spellings of GNU dlltool's and
	 * llvm-dlltool's -m (i386:x86-64, arm_interwork), so that a build
	 * script's machine name works with every tool. */
	{ DK_MACHINE_I386, "i386", { "x86", "i686", "i586", "i486" }, 4, true },
	{ DK_MACHINE_AMD64, "x86-64", { "x86_64", "amd64", "x64", "i386:x86-64" }, 8, false },
	{ DK_MACHINE_ARM64, "arm64", { "aarch64" }, 8, false },
	{ DK_MACHINE_ARM64EC, "arm64ec", { NULL }, 8, false },
	{ DK_MACHINE_ARMNT, "arm", { "armnt", "thumb", "armv7", "arm_interwork" }, 4, false },
};

static const struct machine_info *info(dk_machine m)
{
	for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
		if (machines[i].m == m)
			return &machines[i];
	return NULL;
}

const char *dk_machine_name(dk_machine m)
{
	const struct machine_info *i = info(m);
	return i ? i->name : NULL;
}

dk_machine dk_machine_from_name(const char *s)
{
	for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++) {
		if (strcasecmp(s, machines[i].name) == 0)
			return machines[i].m;
		for (size_t j = 0; j < MAX_ALIASES && machines[i].aliases[j]; j++)
			if (strcasecmp(s, machines[i].aliases[j]) == 0)
				return machines[i].m;
	}
	return DK_MACHINE_UNKNOWN;
}

unsigned dk_machine_pointer_size(dk_machine m)
{
	const struct machine_info *i = info(m);
	return i ? i->ptr : 0;
}

bool dk_machine_underscore(dk_machine m)
{
	const struct machine_info *i = info(m);
	return i && i->underscore;
}
