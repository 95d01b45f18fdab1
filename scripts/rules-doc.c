// SPDX-License-Identifier: GPL-2.0-only
/* docs/RULES.md from the rule catalogue (`make rules-doc`): links rules/ and common/ only. */
#include <stdio.h>

#include "rules/rules.h"

int main(void)
{
	return rules_print_markdown(stdout) ? 1 : 0;
}
