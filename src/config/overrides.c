/* overrides.c: "--set PATH=VALUE" applied to the parsed experiment tree
 * before it is checked. VALUE is read as YAML, so a list sweeps and a
 * mapping sets a composite value; setting a group (e.g. model={...})
 * merges key by key. An unknown PATH is an unknown-key error. No I/O. */
#include <stdio.h>
#include <string.h>
#include "schema.h"
#include "settings.h"

/* Every segment of path must be a key of the schema, below a group. */
static ab_status check_path(const char *path, const ab_ynode *at, ab_error *err)
{
    char prefix[256] = "";
    for (const char *s = path;;) {
        size_t n = strcspn(s, ".");
        char parent[256], word[128];
        snprintf(parent, sizeof parent, "%s", prefix);
        snprintf(word, sizeof word, "%.*s", (int)n, s);
        size_t used = strlen(prefix);
        snprintf(prefix + used, sizeof prefix - used, "%s%s", used ? "." : "", word);
        const ab_key *up = parent[0] ? ab_schema_find(parent) : NULL;
        if (up && up->type != AB_K_GROUP)
            return ab_ynode_fail(err, at, prefix, "%s takes one whole value; set %s instead", parent, parent);
        const ab_key *k = ab_schema_find(prefix);
        if (!word[0] || !k || k->part) return ab_schema_unknown(err, at, prefix, parent, word);
        if (!s[n]) return AB_OK;
        s += n + 1;
    }
}

static ab_status merge(ab_ypool *pool, ab_ynode *dst, const char *path, const ab_ynode *key, ab_ynode *value)
{
    int i = ab_ynode_find(dst, key->text);
    const ab_key *k = ab_schema_find(path);
    if (i < 0) return ab_ynode_put(pool, dst, (ab_ynode *)key, value);
    ab_ynode *old = dst->items[i];
    if (!k || k->type != AB_K_GROUP || old->kind != AB_Y_MAP || value->kind != AB_Y_MAP) {
        dst->items[i] = value;
        return AB_OK;
    }
    for (int j = 0; j < value->n; j++) {
        char sub[300];
        snprintf(sub, sizeof sub, "%s.%s", path, value->keys[j]->text);
        ab_status st = merge(pool, old, sub, value->keys[j], value->items[j]);
        if (st != AB_OK) return st;
    }
    return AB_OK;
}

static ab_status apply_one(ab_ypool *pool, ab_ynode *root, const char *set, ab_error *err)
{
    char label[600], path[256];
    snprintf(label, sizeof label, "--set %s", set);
    const char *eq = strchr(set, '=');
    ab_ynode *value = NULL;
    ab_status st = ab_yaml_parse_text(pool, label, 1, eq ? eq + 1 : "", &value, err);
    if (st != AB_OK) return st;
    if (!eq || eq == set || (size_t)(eq - set) >= sizeof path)
        return ab_ynode_fail(err, value, NULL, "expected --set KEY.PATH=VALUE, e.g. --set model.alpha=0.2");
    snprintf(path, sizeof path, "%.*s", (int)(eq - set), set);
    if ((st = check_path(path, value, err)) != AB_OK) return st;
    ab_ynode *cur = root;
    for (char *s = path;;) {
        size_t n = strcspn(s, ".");
        int last = !s[n];
        s[n] = 0;
        ab_ynode *key = ab_ynode_new(pool, AB_Y_SCALAR, value->src, 0, 0);
        if (!key || !(key->text = ab_ypool_strdup(pool, s))) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
        if (last) return merge(pool, cur, path, key, value);
        ab_ynode *child = ab_ynode_get(cur, s);
        if (!child) {
            if (!(child = ab_ynode_new(pool, AB_Y_MAP, value->src, 0, 0)) ||
                ab_ynode_put(pool, cur, key, child) != AB_OK)
                return ab_fail(err, AB_ERR_NOMEM, "out of memory");
        }
        if (child->kind != AB_Y_MAP) return AB_OK; /* the file's own value is reported when checked */
        cur = child;
        s[n] = '.';
        s += n + 1;
    }
}

ab_status ab_overrides_apply(ab_ypool *pool, ab_ynode *root, char *const *sets, int n_sets, ab_error *err)
{
    for (int i = 0; i < n_sets; i++) {
        ab_status st = apply_one(pool, root, sets[i], err);
        if (st != AB_OK) return st;
    }
    return AB_OK;
}
