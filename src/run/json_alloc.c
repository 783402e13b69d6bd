/* json_alloc.c: counting hooks for cJSON's allocations (json_alloc.h). */
#include "json_alloc.h"
#include <cjson/cJSON.h>
#include <stdlib.h>

static unsigned long g_failures;

static void *counting_malloc(size_t size)
{
    void *p = malloc(size);
    if (!p) g_failures++;
    return p;
}

void ab_json_alloc_track(void)
{
    cJSON_Hooks hooks = {counting_malloc, free};
    cJSON_InitHooks(&hooks);
}

unsigned long ab_json_alloc_failures(void)
{
    return g_failures;
}
