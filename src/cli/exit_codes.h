/* exit_codes.h: the exit status of every actbench command (README, "Exit codes"). */
#ifndef AB_EXIT_CODES_H
#define AB_EXIT_CODES_H

enum {
    AB_EXIT_OK = 0,          /* every run finished (diverged runs have finished) */
    AB_EXIT_RUN_FAILED = 1,  /* some run failed: crashed, killed, or could not start */
    AB_EXIT_USAGE = 2,       /* usage, configuration or input-data error; nothing written */
    AB_EXIT_RESUMABLE = 75,  /* SIGTERM, or a worker stopped: finished results and checkpoints kept; --resume goes on */
    AB_EXIT_INTERRUPTED = 130 /* SIGINT: finished results and checkpoints kept */
};

#endif
