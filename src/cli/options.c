/* options.c: what the commands' getopt_long loops share: the name of the
 * option an error is about. A leaf: calls nothing back. */
#include <stdio.h>
#include <string.h>
#include "commands.h"

const char *ab_option_name(char *buf, unsigned long size, int optopt, const char *arg)
{
    if (arg && !strncmp(arg, "--", 2)) { /* a long option: as typed, without its value */
        snprintf(buf, size, "%.*s", (int)strcspn(arg, "="), arg);
        return buf;
    }
    snprintf(buf, size, "-%c", optopt > 32 && optopt < 127 ? optopt : '?');
    return buf;
}

void ab_print_shell_word(FILE *f, const char *s)
{
    if (s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=:,+@%") == strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') fputs("'\\''", f);
        else fputc(*s, f);
    }
    fputc('\'', f);
}
