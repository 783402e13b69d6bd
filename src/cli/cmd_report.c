/* cmd_report.c: 'actbench report' (being written this session). */
#include <stdio.h>
#include "commands.h"
#include "exit_codes.h"

int cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "actbench report: not implemented yet\n");
    return AB_EXIT_USAGE;
}
