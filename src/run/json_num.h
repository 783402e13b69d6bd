/* json_num.h: adding numbers to cJSON objects so that NaN and infinity
 * become null: no JSON that actbench writes ever holds NaN or Infinity. */
#ifndef AB_JSON_NUM_H
#define AB_JSON_NUM_H

#include <cjson/cJSON.h>
#include <math.h>

static inline cJSON *ab_json_add_num(cJSON *obj, const char *key, double v)
{
    return isfinite(v) ? cJSON_AddNumberToObject(obj, key, v) : cJSON_AddNullToObject(obj, key);
}

#endif
