#!/usr/bin/python3
"""plot_results.py: figures from actbench result directories.

Reads only the documented result files (docs/results.md): DIR/runs/*.json
and, for the experiment name, DIR/summary.json. Writes PNG files and prints
their paths. Knows nothing of how the runs were made: every grouping comes
from the resolved configurations recorded in the run files.

Figures (--which):
  curves  curves.png           train loss, train accuracy and validation
                               accuracy over epochs (epoch 0 = initialisation),
                               mean over seeds with a band, one line per variant
  dead    dead_fraction.png    dead fraction over epochs, one panel per hidden layer
                               (conv layers: dead channels)
  lr      dead_vs_lr.png       final dead fraction against train.learning_rate
                               (log scale), one panel per layer; needs >= 2 rates
  alpha   accuracy_vs_alpha.png  leaky_relu test accuracy (and final dead
                               fraction) against model.alpha; needs >= 2 alphas
  steps   dead_vs_step.png     dead fraction against the training step, one panel
                               per hidden layer; needs runs with probe.every_steps

A variant is the set of runs whose configurations differ only in the seed;
its label is the activation plus the swept keys that vary among the runs
of that activation (e.g. "leaky_relu alpha=0.2").
"""
import argparse
import os
import sys
import textwrap

from plot_data import (PROG, assign_colors, context_line, dead_ylabel, diverged_at, epoch_series, FIGURES,
                       FILES, finite, layer_title, layer_value, load_dirs, make_groups, n_layers, stats,
                       step_series, swept_paths, UsageError, value_range, warn, x_series)


# ---------------------------------------------------------------- figures

def plot_band(ax, series, color, label, band, marker="o"):
    if not series:
        return
    xs = [ep for ep, _ in series]
    mean = [s[0] for _, s in series]
    if band == "sd":
        lo = [s[0] - s[3] for _, s in series]
        hi = [s[0] + s[3] for _, s in series]
    else:
        lo = [s[1] for _, s in series]
        hi = [s[2] for _, s in series]
    ax.plot(xs, mean, color=color, label=label, marker=marker if len(xs) <= 25 else None, ms=4, lw=1.5,
            alpha=0.9)
    ax.fill_between(xs, lo, hi, color=color, alpha=0.12, lw=0)


def integer_epochs(ax):
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch (0 = initialisation)")
    ax.grid(True, alpha=0.3)


def band_note(band):
    return "line: mean over seeds; band: " + ("mean ± sd" if band == "sd" else "min–max")


def figure_title(fig, title, names, runs, swept, extra=""):
    shown = names if len(names) <= 3 else names[:2] + ["…", names[-1]]
    sub = f"{', '.join(shown)} ({len(runs)} runs)"
    ctx = context_line(runs, swept)
    line = sub + (f"; {ctx}" if ctx else "")
    # a long subtitle (a CNN's layer list) wraps to the figure's width instead of running off it
    width = max(60, int(fig.get_figwidth() * 72 / 6.5))
    text = title + "\n" + "\n".join(textwrap.wrap(line, width)) + (f"\n{extra}" if extra else "")
    fig.suptitle(text, fontsize=11)


def new_figure(plt, n_panels, panel_w=4.6, panel_h=3.8, legend_w=3.2):
    """A row of n_panels axes and, at the right, an empty axis for the legend."""
    fig, axes = plt.subplots(1, n_panels + 1, figsize=(panel_w * n_panels + legend_w, panel_h + 1.2),
                             layout="constrained", squeeze=False,
                             gridspec_kw={"width_ratios": [panel_w] * n_panels + [legend_w]})
    axes = list(axes[0])
    axes[-1].axis("off")
    fig.legend_ax = axes[-1]
    return fig, axes[:-1]


def finish(fig, plt, axes, out, name):
    """Puts the legend of axes[0] into the legend column and writes the PNG."""
    seen = {}
    for ax in axes[:1]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(lab, h)
    # many variants (a learning-rate sweep): taller figure, smaller type,
    # two columns, so that the legend fits beside the panels
    rows = len(seen) if len(seen) <= 16 else (len(seen) + 1) // 2
    if rows > 12:
        w, h = fig.get_size_inches()
        fig.set_size_inches(w + (2.8 if len(seen) > 16 else 0.0), max(h, 0.2 * rows + 1.5))
    fig.legend_ax.legend(list(seen.values()), list(seen.keys()), loc="center left",
                         fontsize=8.5 if len(seen) <= 16 else 7, ncol=1 if len(seen) <= 16 else 2,
                         frameon=False, borderaxespad=0)
    path = os.path.join(out, name)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def fig_curves(runs, names, out, band, plt):
    groups = make_groups(runs)
    assign_colors(groups, plt)
    swept = swept_paths(runs)
    has_val = any(finite(e.get("val_accuracy")) for r in runs for e in r.epochs)
    acc_field = "val_accuracy" if has_val else "train_accuracy"
    panels = [("train_loss", "train loss (cross-entropy, eval mode)", "nats per example"),
              ("train_accuracy", "train accuracy", "accuracy")]
    if has_val:
        panels.append(("val_accuracy", "validation accuracy", "accuracy"))
    last = max((e.get("epoch", 0) for r in runs for e in r.epochs if isinstance(e.get("epoch"), int)), default=0)
    # the second half of training, zoomed, with the final test accuracy: the
    # differences the report tests are a few thousandths
    zoom_from = max(1, (last + 1) // 2)
    zoom = last >= 2
    if zoom:
        panels.append((acc_field, f"{'validation' if has_val else 'train'} accuracy, epochs {zoom_from}–{last}, "
                                  "and test accuracy", "accuracy"))
    fig, axes = new_figure(plt, len(panels))
    for i, (ax, (field, title, ylabel)) in enumerate(zip(axes, panels)):
        series = []
        for g in groups:
            s = epoch_series(g, lambda e, f=field: e.get(f))
            first = zoom_from if zoom and i == len(panels) - 1 else 1 if last >= 1 else 0
            s = [(ep, st) for ep, st in s if ep >= first]
            series.append(s)
            plot_band(ax, s, g.color, f"{g.label} ({g.counts()})", band, g.marker)
        ax.set_title(title, fontsize=10.5)
        ax.set_ylabel(ylabel)
        integer_epochs(ax)
        # from epoch 1: epoch 0 (the initialisation) would set the scale
        ax.curve_series = series
        if last >= 1:
            ax.set_xlim(first - 0.5, last + 0.6)
        ax.set_xlabel("epoch")
    # final test accuracy: a diamond per variant after the last epoch
    acc_ax = axes[-1]
    finals = []
    for i, g in enumerate(groups):
        s = stats([r.final.get("test_accuracy") for r in g.runs])
        if s:
            x = last + 0.15 + 0.3 * i / max(1, len(groups) - 1)  # side by side
            err = [s[3]] if band == "sd" else [[max(0.0, s[0] - s[1])], [max(0.0, s[2] - s[0])]]
            acc_ax.errorbar([x], [s[0]], yerr=err, fmt="D", color=g.color, ms=5, capsize=2, lw=1)
            finals += [s[0] - s[3], s[0] + s[3]] if band == "sd" else [s[1], s[2]]
    for i, ax in enumerate(axes):
        first = zoom_from if zoom and i == len(axes) - 1 else 1
        lim = value_range(ax.curve_series, first, extra=finals if ax is acc_ax else ())
        if lim and last >= 1:
            ax.set_ylim(*lim)
    axes[0].plot([], [], "D", color="0.4", ls="none",
                 label="final test accuracy (mean; bar as band)")
    init = [stats([e.get(f) for r in runs for e in r.epochs[:1] if e.get("epoch") == 0])
            for f in ("train_loss", "train_accuracy")]
    note = ""
    if last >= 1 and init[0] and init[1]:
        note = (f"; axes from epoch 1 (at initialisation: train loss {init[0][0]:.2f}, "
                f"accuracy {init[1][0]:.2f})")
    figure_title(fig, "Learning curves", names, runs, swept, band_note(band) + note)
    return finish(fig, plt, axes, out, FILES["curves"])


def fig_dead(runs, names, out, band, plt):
    groups = make_groups(runs)
    assign_colors(groups, plt)
    swept = swept_paths(runs)
    L = n_layers(runs)
    if L == 0:
        raise UsageError("the runs have no hidden layers to plot")
    # a deep network: four layers over the epochs (first, a third, two
    # thirds, last) and a panel of the final dead fraction against depth
    shown = list(range(1, L + 1)) if L <= 4 else sorted({1, round(1 + (L - 1) / 3), round(1 + 2 * (L - 1) / 3), L})
    fig, axes = new_figure(plt, len(shown) + (L > 4))
    if L > 4:
        depth_ax = axes[-1]
        for g in groups:
            pts = [(k, stats([(r.final.get("dead_fraction") or [None] * L)[k - 1] for r in g.runs if r.finished_ok]))
                   for k in range(1, L + 1)]
            pts = [(k, st) for k, st in pts if st]
            depth_ax.plot([k for k, _ in pts], [st[0] for _, st in pts], color=g.color, marker=g.marker, ms=3)
        depth_ax.set_title(f"after training, by layer (all {L})", fontsize=10.5)
        depth_ax.set_xlabel("hidden layer (dense or conv)")
        depth_ax.set_ylabel("final dead fraction (mean over seeds)")
        depth_ax.set_ylim(bottom=0)
    for k, ax in zip(shown, axes):
        for g in groups:
            plot_band(ax, epoch_series(g, lambda e, k=k: layer_value(e, k, "dead_fraction")),
                      g.color, f"{g.label} ({g.counts()})", band, g.marker)
        ax.set_title(layer_title(runs, k), fontsize=10.5)
        ax.set_ylabel(dead_ylabel(runs, k))
        ax.set_ylim(bottom=0)
        integer_epochs(ax)
    figure_title(fig, "Dead units over training (pre-activation ≤ 0 on every probe example; "
                      "a conv channel: at every position)",
                 names, runs, swept, band_note(band) + "; for leaky variants such units are 'comatose', not dead")
    return finish(fig, plt, axes, out, FILES["dead"])


def plot_errorbars(ax, series, color, label, band, ls="-", marker="o"):
    if not series:
        ax.plot([], [], color=color, ls=ls, marker=marker, label=label + " — no finished run")
        return
    xs = [x for x, _ in series]
    mean = [s[0] for _, s in series]
    if band == "minmax":
        # max(0, ...): a mean of equal values can round past its min or max
        err = [[max(0.0, s[0] - s[1]) for _, s in series], [max(0.0, s[2] - s[0]) for _, s in series]]
    else:
        err = [s[3] for _, s in series]
    ax.errorbar(xs, mean, yerr=err, color=color, ls=ls, marker=marker, ms=5, capsize=3, lw=1.5, label=label)


def fig_lr(runs, names, out, band, plt):
    lrs = {r.get("train.learning_rate") for r in runs if finite(r.get("train.learning_rate"))}
    if len(lrs) < 2:
        return None, f"needs runs with >= 2 learning rates, found {len(lrs)}"
    groups = make_groups(runs, exclude=("train.learning_rate",))
    assign_colors(groups, plt)
    swept = swept_paths(runs)
    L = n_layers(runs)
    fig, axes = new_figure(plt, L)
    for k, ax in enumerate(axes, start=1):
        for g in groups:
            def dead_k(r, k=k):
                d = r.final.get("dead_fraction")
                return d[k - 1] if isinstance(d, list) and len(d) >= k else None
            plot_errorbars(ax, x_series(g, "train.learning_rate", dead_k), g.color,
                           f"{g.label} ({diverged_at(g, 'train.learning_rate')})", band, marker=g.marker)
        ax.set_xscale("log")
        ax.set_title(layer_title(runs, k), fontsize=10.5)
        ax.set_xlabel("learning rate (train.learning_rate, log scale)")
        ax.set_ylabel("final dead fraction")
        ax.set_ylim(bottom=0)
        ax.grid(True, which="both", alpha=0.3)
    figure_title(fig, "Dead units after training against the learning rate", names, runs, swept,
                 "mean over seeds, bars: " + ("min–max" if band == "minmax" else "± sd")
                 + "; diverged runs left out")
    return finish(fig, plt, axes, out, FILES["lr"]), None


def fig_alpha(runs, names, out, band, plt):
    leaky = [r for r in runs if r.get("model.activation") == "leaky_relu"]
    alphas = {r.get("model.alpha") for r in leaky if finite(r.get("model.alpha"))}
    if len(alphas) < 2:
        return None, f"needs leaky_relu runs with >= 2 values of model.alpha, found {len(alphas)}"
    groups = make_groups(leaky, exclude=("model.alpha",), keep_activation=False)
    for g in groups:
        g.label = "leaky_relu" + (f" {g.label}" if g.label != "all runs" else "")
    relu_groups = make_groups([r for r in runs if r.get("model.activation") == "relu"]) if any(
        r.get("model.activation") == "relu" for r in runs) else []
    assign_colors(groups + relu_groups, plt)
    swept = swept_paths(runs)
    L = n_layers(leaky)
    fig, axes = new_figure(plt, 2, panel_w=5.2)
    ax_acc, ax_dead = axes
    lo_x, hi_x = min(alphas), max(alphas)
    for g in groups:
        plot_errorbars(ax_acc, x_series(g, "model.alpha", lambda r: r.final.get("test_accuracy")),
                       g.color, f"{g.label} ({diverged_at(g, 'model.alpha')})", band, marker=g.marker)
    for g in relu_groups:  # ReLU as a reference line over the whole alpha range
        s = stats([r.final.get("test_accuracy") for r in g.runs if r.finished_ok])
        if s:
            ax_acc.axhline(s[0], color=g.color, ls="--", lw=1.2, label=f"{g.label}, reference ({g.counts()})")
            lo, hi = (s[1], s[2]) if band == "minmax" else (s[0] - s[3], s[0] + s[3])
            ax_acc.axhspan(lo, hi, color=g.color, alpha=0.07, lw=0)
    ax_acc.set_title("test accuracy", fontsize=10.5)
    ax_acc.set_ylabel("test accuracy")
    styles = ["-", "--", ":", "-."]
    markers = ["o", "s", "^", "v", "D"]
    for g in groups:
        for k in range(1, L + 1):
            def dead_k(r, k=k):
                d = r.final.get("dead_fraction")
                return d[k - 1] if isinstance(d, list) and len(d) >= k else None
            ser = x_series(g, "model.alpha", dead_k)
            if ser:
                plot_errorbars(ax_dead, ser, g.color, f"{g.label}, layer {k}", band,
                               ls=styles[(k - 1) % 4], marker=markers[(k - 1) % 5])
    ax_dead.set_title("final dead fraction per hidden layer", fontsize=10.5)
    ax_dead.set_ylabel("dead fraction (z ≤ 0 on every probe example)")
    ax_dead.set_ylim(bottom=0)
    for ax in axes:
        ax.set_xlabel("leaky ReLU slope α (model.alpha)")
        pad = 0.04 * (hi_x - lo_x)
        ax.set_xlim(lo_x - pad, hi_x + pad)
        ax.grid(True, alpha=0.3)
    figure_title(fig, "Leaky ReLU: effect of the slope α", names, runs, swept,
                 "mean over seeds, bars: " + ("min–max" if band == "minmax" else "± sd")
                 + "; diverged runs left out")
    # one legend per panel: the dead panel's entries are per layer
    ax_dead.legend(fontsize=7.5, frameon=False)
    return finish(fig, plt, [ax_acc], out, FILES["alpha"]), None


def fig_steps(runs, names, out, band, plt):
    stepped = [r for r in runs if r.steps]
    if not stepped:
        return None, "needs runs measured every N steps (probe.every_steps), found none"
    groups = make_groups(stepped)
    assign_colors(groups, plt)
    swept = swept_paths(stepped)
    L = n_layers(stepped)
    fig, axes = new_figure(plt, L)
    for k, ax in enumerate(axes, start=1):
        for g in groups:
            plot_band(ax, step_series(g, k), g.color, f"{g.label} ({g.counts()})", band, g.marker)
        ax.set_title(layer_title(stepped, k), fontsize=10.5)
        ax.set_xlabel("training step (0 = initialisation)")
        ax.set_ylabel(dead_ylabel(stepped, k))
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    figure_title(fig, "Dead units against the training step (probe.every_steps)", names, stepped, swept,
                 band_note(band) + "; a diverged run's measurements of non-finite weights are left out")
    return finish(fig, plt, axes, out, FILES["steps"]), None


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Make PNG figures from actbench result directories (DIR/runs/*.json).",
        epilog="figures (--which):\n"
               "  curves  curves.png            loss and accuracy over epochs, one line per variant\n"
               "  dead    dead_fraction.png     dead fraction over epochs, one panel per hidden layer\n"
               "  lr      dead_vs_lr.png        final dead fraction against the learning rate\n"
               "                                (only when the runs have >= 2 learning rates)\n"
               "  alpha   accuracy_vs_alpha.png leaky_relu test accuracy against model.alpha\n"
               "                                (only when the leaky_relu runs have >= 2 alphas)\n"
               "  steps   dead_vs_step.png      dead fraction against the training step\n"
               "                                (only when runs were measured with probe.every_steps)\n"
               "\nThe paths of the written files are printed on stdout, one per line.\n"
               "exit status: 0 done (figures that do not apply are skipped with a note on\n"
               "stderr), 2 usage error, missing directory, no runs, or matplotlib missing.\n"
               "See docs/plots.md.")
    p.add_argument("dirs", nargs="+", metavar="DIR", help="result directory (as written by actbench run -o DIR)")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="directory for the PNG files (default: DIR/figures; required with several DIRs)")
    p.add_argument("--which", default=",".join(FIGURES), metavar="LIST",
                   help="comma-separated figures to make, of: " + ", ".join(FIGURES) + " (default: all)")
    p.add_argument("--band", choices=("minmax", "sd"), default="minmax",
                   help="spread over seeds drawn around the mean: min–max (default) or ± sample sd")
    a = p.parse_args(argv)
    which = [w.strip() for w in a.which.split(",") if w.strip()]
    bad = [w for w in which if w not in FIGURES]
    if bad or not which:
        p.error(f"--which: unknown figure '{bad[0] if bad else a.which}' (known: {', '.join(FIGURES)})")
    a.which = which
    if a.output is None:
        if len(a.dirs) > 1:
            p.error("several DIRs: give the output directory with -o OUT")
        a.output = os.path.join(a.dirs[0], "figures")
    return a


def main(argv):
    a = parse_args(argv)
    try:
        runs, names = load_dirs(a.dirs)
    except UsageError as e:
        warn(f"error: {e}")
        return 2
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        warn("error: matplotlib is not installed for this python "
             f"({sys.executable}); on Debian: apt-get install python3-matplotlib")
        return 2
    os.makedirs(a.output, exist_ok=True)
    makers = {"curves": lambda: (fig_curves(runs, names, a.output, a.band, plt), None),
              "dead": lambda: (fig_dead(runs, names, a.output, a.band, plt), None),
              "lr": lambda: fig_lr(runs, names, a.output, a.band, plt),
              "alpha": lambda: fig_alpha(runs, names, a.output, a.band, plt),
              "steps": lambda: fig_steps(runs, names, a.output, a.band, plt)}
    for w in a.which:
        try:
            path, why = makers[w]()
        except UsageError as e:
            warn(f"error: {e}")
            return 2
        if path:
            print(path)
        else:
            warn(f"skip {w}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
