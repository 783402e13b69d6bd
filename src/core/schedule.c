/* schedule.c: learning-rate schedules, evaluated once per epoch, and the
 * per-step linear warm-up factor. */
#include <math.h>
#include "optim.h"

static const char *const SCHED_NAMES[AB_SCHED_COUNT] = {"constant", "step", "exponential", "cosine"};

const char *ab_schedule_name(ab_sched_kind k) { return (unsigned)k < AB_SCHED_COUNT ? SCHED_NAMES[k] : "?"; }
const char *ab_schedule_names(void) { return "constant, step, exponential, cosine"; }

int ab_schedule_from_name(const char *s, ab_sched_kind *k)
{
    int i = ab_name_index(SCHED_NAMES, AB_SCHED_COUNT, s);
    if (i >= 0) *k = (ab_sched_kind)i;
    return i < 0 ? -1 : 0;
}

ab_schedule_spec ab_schedule_default(ab_sched_kind kind, double lr)
{
    ab_schedule_spec s = {.kind = kind, .lr = lr, .step_size = 10,
                          .gamma = kind == AB_SCHED_EXPONENTIAL ? 0.95 : 0.1, .min_lr = 0.0,
                          .warmup_steps = 0};
    return s;
}

double ab_schedule_lr(const ab_schedule_spec *s, int epoch, int total_epochs)
{
    switch (s->kind) {
    case AB_SCHED_STEP: /* lr * gamma^floor(epoch / step_size) */
        return s->lr * pow(s->gamma, epoch / (s->step_size > 0 ? s->step_size : 1));
    case AB_SCHED_EXPONENTIAL: /* lr * gamma^epoch */
        return s->lr * pow(s->gamma, epoch);
    case AB_SCHED_COSINE: /* min + (lr - min)(1 + cos(pi epoch / total)) / 2 */
        if (total_epochs <= 0) return s->lr;
        return s->min_lr + (s->lr - s->min_lr) * 0.5 *
                               (1.0 + cos(3.14159265358979323846 * epoch / total_epochs));
    case AB_SCHED_CONSTANT:
    default:
        return s->lr;
    }
}

double ab_warmup_factor(long step, long warmup_steps)
{
    if (warmup_steps <= 0 || step >= warmup_steps) return 1.0;
    return step > 0 ? (double)step / (double)warmup_steps : 0.0;
}
