/* machine.c - the table of Windows machines dllkit knows. */
#include <string.h>
#include <strings.h>
#include "dllkit.h"

static const struct machine_info {
	dk_machine m;
	const char *name;
	const char *aliases[4];
	unsigned ptr;
	bool underscore;
} machines[] = {
	{ DK_MACHINE_I386, "i386", { "x86", "i686", "i586", "i486" }, 4, true },
	{ DK_MACHINE_AMD64, "x86-64", { "x86_64", "amd64", "x64", NULL }, 8, false },
	{ DK_MACHINE_ARM64, "arm64", { "aarch64", NULL, NULL, NULL }, 8, false },
	{ DK_MACHINE_ARM64EC, "arm64ec", { NULL, NULL, NULL, NULL }, 8, false },
	{ DK_MACHINE_ARMNT, "arm", { "armnt", "thumb", "armv7", NULL }, 4, false },
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
		for (size_t j = 0; j < 4 && machines[i].aliases[j]; j++)
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
