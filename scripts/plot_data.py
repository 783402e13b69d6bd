"""plot_data.py: what scripts/plot_results.py plots, without matplotlib.

Loads the documented result files (docs/results.md) of result directories,
forms variants (runs that differ only in the seed) with their labels and
colours, and computes the statistics over seeds. Draws nothing.
"""
import json
import math
import os
import sys

PROG = "plot_results.py"
FIGURES = ("curves", "dead", "lr", "alpha", "steps")
FILES = {"curves": "curves.png", "dead": "dead_fraction.png",
         "lr": "dead_vs_lr.png", "alpha": "accuracy_vs_alpha.png", "steps": "dead_vs_step.png"}
# Keys that never define a variant (the seed is what a variant averages over).
NOT_CONFIG = ("run_id", "name", "description", "seed")
ACTIVATION_ORDER = ("relu", "leaky_relu", "rrelu", "prelu", "elu", "selu",
                    "sigmoid", "tanh", "linear")
SHORT = {"train.learning_rate": "lr", "model.activation": "activation"}


class UsageError(Exception):
    """A missing directory, no runs, ...: exit status 2."""


def warn(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


# ---------------------------------------------------------------- loading

class Run:
    """One run file: its configuration, status, epochs and final metrics."""

    def __init__(self, doc, path):
        self.path = path
        self.run_id = doc.get("run_id") or os.path.basename(path)[:-5]
        self.config = doc["config"]
        self.status = doc.get("status") or "failed"
        self.diverged_epoch = doc.get("diverged_epoch")
        epochs = doc.get("epochs") or []
        # A diverged run's last measurement is of a broken network: keep
        # only the epochs before it.
        if self.status == "diverged" and isinstance(self.diverged_epoch, int):
            epochs = [e for e in epochs if e.get("epoch", 0) < self.diverged_epoch]
        self.epochs = epochs
        self.steps = doc.get("steps") or []  # probe.every_steps measurements (null: none)
        self.final = doc.get("final") or {}
        self.leaves = dict(config_leaves(self.config))

    def get(self, path):
        return self.leaves.get(path)

    @property
    def finished_ok(self):
        return self.status == "ok"


def config_leaves(cfg, prefix=""):
    """(dot path, value) of every configuration leaf; model.init is a leaf."""
    for key, value in cfg.items():
        if not prefix and key in NOT_CONFIG:
            continue
        path = prefix + key
        if isinstance(value, dict) and path != "model.init":
            yield from config_leaves(value, path + ".")
        else:
            yield path, value


def canon(value):
    """Text that is equal for equal configuration values (1 and 1.0 alike)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e17:
        value = int(value)
    if isinstance(value, list):
        return "[" + ",".join(canon(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{canon(v)}" for k, v in sorted(value.items())) + "}"
    return json.dumps(value)


def load_dirs(dirs):
    """The runs of every directory (each run ID once) and the experiment names."""
    runs, seen, names, duplicates = [], set(), [], 0
    for d in dirs:
        if not os.path.isdir(d):
            raise UsageError(f"{d}: no such directory")
        runs_dir = os.path.join(d, "runs")
        if not os.path.isdir(runs_dir):
            raise UsageError(f"{d}: not a result directory (no runs/ in it)")
        n_before = len(runs)
        for name in sorted(os.listdir(runs_dir)):
            if name.startswith(".") or not name.endswith(".json"):
                continue
            path = os.path.join(runs_dir, name)
            try:
                with open(path, encoding="utf-8") as f:
                    doc = json.load(f)
            except (OSError, ValueError) as e:
                warn(f"{path}: skipped: {e}")
                continue
            if not isinstance(doc, dict) or not isinstance(doc.get("config"), dict):
                warn(f"{path}: skipped: not a run file (no config)")
                continue
            run = Run(doc, path)
            if run.run_id in seen:
                duplicates += 1
                continue
            seen.add(run.run_id)
            runs.append(run)
        if len(runs) == n_before and not duplicates:
            raise UsageError(f"{d}: no run files in {runs_dir}")
        names.append(experiment_name(d, runs[n_before:]))
    if duplicates:
        warn(f"{duplicates} run(s) found in more than one directory: each counted once")
    if not any(r.status in ("ok", "diverged") for r in runs):
        raise UsageError("no finished runs (every run failed)")
    return runs, names


def experiment_name(d, runs):
    try:
        with open(os.path.join(d, "summary.json"), encoding="utf-8") as f:
            name = json.load(f).get("experiment")
            if isinstance(name, str):
                return name
    except (OSError, ValueError, AttributeError):
        pass
    for r in runs:
        if isinstance(r.config.get("name"), str):
            return r.config["name"]
    return os.path.basename(os.path.normpath(d))


# ---------------------------------------------------------------- variants

def swept_paths(runs, exclude=()):
    """Dot paths whose value differs between two runs that have the key,
    in order of first appearance, model.activation first."""
    order, values = [], {}
    for r in runs:
        for path, v in r.leaves.items():
            if path in exclude:
                continue
            if path not in values:
                order.append(path)
                values[path] = set()
            values[path].add(canon(v))
    swept = [p for p in order if len(values[p]) > 1]
    swept.sort(key=lambda p: p != "model.activation")
    return swept


def sort_value(v):
    if v is None:
        return (2, 0, "")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (0, v, "")
    if isinstance(v, str) and v in ACTIVATION_ORDER:
        return (0, ACTIVATION_ORDER.index(v), v)
    return (1, 0, canon(v))


def fmt_value(v):
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, str):
        return v
    return canon(v)


def short_names(paths):
    last = [p.rsplit(".", 1)[-1] for p in paths]
    out = {}
    for p, s in zip(paths, last):
        out[p] = SHORT.get(p) or (s if last.count(s) == 1 else p)
    return out


class Group:
    """Runs that differ only in their seed."""

    def __init__(self, key, runs, label):
        self.key, self.runs, self.label = key, runs, label
        self.color = None
        self.marker = "o"

    def counts(self):
        """Legend note: runs, and how many diverged or failed."""
        n = len(self.runs)
        div = [r for r in self.runs if r.status == "diverged"]
        failed = sum(r.status not in ("ok", "diverged") for r in self.runs)
        parts = [f"n={n}"]
        if div:
            at = sorted({r.diverged_epoch for r in div if isinstance(r.diverged_epoch, int)})
            parts.append(f"{len(div)} diverged" + (f" at epoch {', '.join(map(str, at))}" if at else ""))
        if failed:
            parts.append(f"{failed} failed")
        return ", ".join(parts)


def make_groups(runs, exclude=(), keep_activation=True):
    """Groups of runs by every swept key not in exclude, sorted, labelled.
    The label holds the activation (when keep_activation) and each swept
    key that takes >= 2 values among the runs of the same activation."""
    swept = swept_paths(runs, exclude)
    names = short_names(swept)
    by_key = {}
    for r in runs:
        key = tuple(canon(r.get(p)) if p in r.leaves else None for p in swept)
        by_key.setdefault(key, []).append(r)
    # keys that vary within an activation
    per_act = {}
    for r in runs:
        per_act.setdefault(r.get("model.activation"), []).append(r)
    varies = {}
    for act, rs in per_act.items():
        varies[act] = {p for p in swept
                       if len({canon(x.get(p)) if p in x.leaves else None for x in rs}) > 1}
    groups = []
    for key, rs in by_key.items():
        r0 = rs[0]
        act = r0.get("model.activation")
        parts = [str(act)] if keep_activation and act is not None else []
        for p in swept:
            if p == "model.activation" or p not in r0.leaves or p not in varies[act]:
                continue
            parts.append(f"{names[p]}={fmt_value(r0.get(p))}")
        groups.append(Group(key, rs, " ".join(parts) or "all runs"))
    groups.sort(key=lambda g: [sort_value(g.runs[0].get(p)) for p in swept])
    return groups


def assign_colors(groups, plt):
    """One colour family per activation (tab10), shaded from dark to light
    over the activation's groups in sort order; markers cycle within it."""
    from matplotlib.colors import to_rgb
    cmap = plt.get_cmap("tab10")
    acts = []
    for g in groups:
        act = g.runs[0].get("model.activation")
        if act not in acts:
            acts.append(act)
    markers = "osD^vP*Xph"
    for act_i, act in enumerate(acts):
        members = [g for g in groups if g.runs[0].get("model.activation") == act]
        base = to_rgb(cmap(act_i % 10))
        m = len(members)
        for j, g in enumerate(members):
            # j = 0 darkest; the last one lightest
            t = -0.35 + 0.7 * j / (m - 1) if m > 1 else 0.0
            if t < 0:
                g.color = tuple(c * (1 + t) for c in base)
            else:
                g.color = tuple(c + (1 - c) * t for c in base)
            g.marker = markers[j % len(markers)] if m > 1 else markers[act_i % len(markers)]


def context_line(runs, swept):
    """The settings shared by every run, for a figure's subtitle."""
    parts = []

    def const(path):
        vals = {canon(r.get(path)) for r in runs if path in r.leaves}
        return len(vals) == 1 and path not in swept

    r0 = runs[0]
    if const("data.dataset"):
        parts.append(str(r0.get("data.dataset")))
    if const("data.train_limit") and r0.get("data.train_limit"):
        parts.append(f"{r0.get('data.train_limit')} examples")
    if const("model.hidden"):
        h = r0.get("model.hidden")
        same = isinstance(h, list) and len(h) > 4 and len(set(h)) == 1
        parts.append(f"hidden {len(h)} x {h[0]}" if same else "hidden " + canon(h))
    if const("model.layers"):
        parts.append(layers_text(r0.get("model.layers")))
    if const("train.optimizer"):
        parts.append(str(r0.get("train.optimizer")))
    if const("train.learning_rate"):
        parts.append(f"lr {fmt_value(r0.get('train.learning_rate'))}")
    if const("train.batch_size"):
        parts.append(f"batch {r0.get('train.batch_size')}")
    if const("train.epochs"):
        parts.append(f"{r0.get('train.epochs')} epochs")
    seeds = sorted({r.config.get("seed") for r in runs if isinstance(r.config.get("seed"), int)})
    if seeds:
        parts.append(f"{len(seeds)} seed{'s' if len(seeds) > 1 else ''}")
    return ", ".join(parts)


# ---------------------------------------------------------------- statistics

def finite(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def stats(values):
    """(mean, low, high, sd) of the finite values, or None when there are none."""
    vs = [v for v in values if finite(v)]
    if not vs:
        return None
    n = len(vs)
    mean = sum(vs) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in vs) / (n - 1)) if n > 1 else 0.0
    return mean, min(vs), max(vs), sd


def epoch_series(group, value_of):
    """Per epoch: (epoch, mean, low, high) over the group's runs, skipping
    nulls and runs that stopped before that epoch."""
    by_epoch = {}
    for r in group.runs:
        for e in r.epochs:
            ep = e.get("epoch")
            if isinstance(ep, int):
                by_epoch.setdefault(ep, []).append(value_of(e))
    out = []
    for ep in sorted(by_epoch):
        s = stats(by_epoch[ep])
        if s:
            out.append((ep, s))
    return out


def step_series(group, layer):
    """Per measured step: (step, stats) of the dead fraction of hidden layer
    `layer` (1-based) over the group's runs that measured that step; the
    layer's width comes from the run's first epoch."""
    by_step = {}
    for r in group.runs:
        units = layer_value(r.epochs[0], layer, "units") if r.epochs else None
        for st in r.steps:
            lays = st.get("layers") or []
            dead = lays[layer - 1].get("dead") if len(lays) >= layer else None
            if isinstance(st.get("step"), int) and finite(dead) and finite(units) and units > 0:
                by_step.setdefault(st["step"], []).append(dead / units)
    return [(k, stats(v)) for k, v in sorted(by_step.items())]
def layer_title(runs, layer):
    """"conv layer 1 (16 channels)", "dense layer 3 (64 units)" in a network
    with conv layers, "hidden layer 2 (100 units)" in an MLP: the probed
    layer's kind and width from the runs' first epoch (run files before
    convolutional networks have no kind: dense)."""
    first = [e for r in runs for e in r.epochs[:1]]
    kinds = {layer_value(e, layer, "kind") or "dense" for e in first if layer_value(e, layer, "units") is not None}
    widths = {layer_value(e, layer, "units") for e in first} - {None}
    kind = kinds.pop() if len(kinds) == 1 else None
    cnn = any(lay.get("kind") == "conv" for e in first for lay in e.get("layers") or [])
    title = f"{kind if kind and cnn else 'hidden'} layer {layer}"
    if len(widths) == 1:
        title += f" ({widths.pop()} {'channels' if kind == 'conv' else 'units'})"
    return title


def layers_text(layers):
    """A model.layers list in one line, as the report labels it (layers_label):
    conv16k3-max2-conv32k3p1-max3s2-drop0.5-gap."""
    parts = []
    for spec in layers if isinstance(layers, list) else []:
        if not isinstance(spec, dict):
            continue
        if "conv" in spec:
            stride, pad = spec.get("stride", 1), spec.get("padding", 0)
            parts.append(f"conv{spec['conv']}k{spec.get('kernel')}" + (f"s{stride}" if stride != 1 else "")
                         + (f"p{pad}" if pad else ""))
        elif "pool" in spec:
            size, stride = spec.get("size"), spec.get("stride", spec.get("size"))
            parts.append("gap" if spec["pool"] == "global_avg"
                         else f"{spec['pool']}{size}" + (f"s{stride}" if stride != size else ""))
        elif "dropout" in spec:
            parts.append(f"drop{fmt_value(spec['dropout'])}")
        elif "dense" in spec:
            parts.append(f"dense{spec['dense']}")
    return "-".join(parts)


def layer_value(e, layer, field):
    for lay in e.get("layers") or []:
        if lay.get("layer") == layer:
            return lay.get(field)
    return None


def n_layers(runs):
    n = 0
    for r in runs:
        d = r.final.get("dead_fraction")
        n = max(n, len(d) if isinstance(d, list) else 0,
                max((len(e.get("layers") or []) for e in r.epochs), default=0))
    return n


def x_series(group, x_path, value_of):
    """Per distinct x value: (x, stats) of value_of(run) over the group's ok runs."""
    by_x = {}
    for r in group.runs:
        x = r.get(x_path)
        if finite(x) and r.finished_ok:
            by_x.setdefault(x, []).append(value_of(r))
    return [(x, stats(v)) for x, v in sorted(by_x.items()) if stats(v)]


def diverged_at(group, x_path):
    xs = sorted({r.get(x_path) for r in group.runs if r.status == "diverged" and finite(r.get(x_path))})
    failed = sum(r.status not in ("ok", "diverged") for r in group.runs)
    parts = [f"n={len(group.runs)}"]
    n_div = sum(r.status == "diverged" for r in group.runs)
    if n_div:
        parts.append(f"{n_div} diverged" + (f" at {SHORT.get(x_path, x_path.rsplit('.', 1)[-1])} "
                                            + ", ".join(fmt_value(x) for x in xs) if xs else ""))
    if failed:
        parts.append(f"{failed} failed")
    return ", ".join(parts)


def layer_kind(runs, layer):
    """"conv" or "dense" for the probed layer (run files before convolutional
    networks have no kind: dense), None when the runs disagree."""
    first = [e for r in runs for e in r.epochs[:1]]
    kinds = {layer_value(e, layer, "kind") or "dense" for e in first if layer_value(e, layer, "units") is not None}
    return kinds.pop() if len(kinds) == 1 else None


def dead_ylabel(runs, layer):
    """The dead-fraction axis of a layer: a dense layer's units, a conv
    layer's channels."""
    kind = layer_kind(runs, layer)
    what = {"conv": "channels", "dense": "units"}.get(kind, "units (dense) or channels (conv)")
    return f"dead fraction of the layer's {what}"


def value_range(series_list, first_epoch=1, last_epoch=None, extra=(), pad=0.06):
    """(low, high) of every mean and band value of series_list (lists of
    (epoch, stats) as epoch_series gives) from first_epoch to last_epoch,
    and of the values extra, widened by pad of the span on each side; None
    when there is none. Epoch 0 (the initialisation: loss about 2.3,
    accuracy about 0.1) would otherwise set the scale and hide the
    differences between variants."""
    vals = [v for series in series_list for ep, s in series
            if ep >= first_epoch and (last_epoch is None or ep <= last_epoch)
            for v in (s[0], s[1], s[2], s[0] - s[3], s[0] + s[3]) if finite(v)]
    vals += [v for v in extra if finite(v)]
    if not vals:
        return None
    lo, hi = min(vals), max(vals)
    span = hi - lo if hi > lo else max(abs(hi) * 0.01, 1e-3)
    return lo - pad * span, hi + pad * span
