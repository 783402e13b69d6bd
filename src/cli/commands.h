/* commands.h: the subcommands main.c dispatches to. Each takes the
 * arguments after its own name (argv[0] is the command name) and returns
 * an exit code of exit_codes.h. */
#ifndef AB_COMMANDS_H
#define AB_COMMANDS_H

#include <stdio.h>

#define AB_VERSION "0.1.0"

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_summarize(int argc, char **argv);

/* The option a getopt_long error is about, into buf: a long option as
 * typed (without "=VALUE"), else "-c" for the short option optopt (options.c). */
const char *ab_option_name(char *buf, unsigned long size, int optopt, const char *arg);

/* s as one word a POSIX shell reads back: bare when it is safe, else in
 * single quotes (options.c). */
void ab_print_shell_word(FILE *f, const char *s);

/* Where 'run' writes without -o: DEFAULT/<name>, ignored by git (results/
 * holds the committed results, which scripts/reproduce.sh writes with -o). */
#define AB_DEFAULT_RUNS_DIR "runs"

typedef struct ab_experiment ab_experiment;
/* The runs index[0..n) (NULL: 0..n-1) as 'validate' prints them: one line
 * each, and the layer table under a run whose network differs from the one
 * printed before it (run_lines.c). */
void ab_print_run_lines(ab_experiment *e, const int *index, int n);

#endif
