"""Line charts (loss curves, benchmarks) and bar charts (gradient sizes).

>>> pic = line_chart({"train": [0.9, 0.5, 0.3], "validation": [1.0, 0.7, 0.6]},
...                  title="Loss", xlabel="epoch", ylabel="loss")
>>> pic.to_string().count("<polyline")
2
"""

import math

from .axes import (LABEL_SIZE, TICK_SIZE, Axes, format_tick, legend,
                   legend_width)
from .svg import (PALETTE, Svg, circle, line, polyline, rect, text,
                  text_width)

__all__ = ["line_chart", "bar_chart"]

_TOP = 50       # room for the title
_BOTTOM = 60    # room for x tick labels and the x label


def _points(values):
    """``[y0, y1, ...]`` -> ``[(1, y0), (2, y1), ...]``; pairs pass through."""
    points = []
    for i, value in enumerate(values):
        if isinstance(value, (tuple, list)):
            x, y = value
        else:
            x, y = i + 1, value
        points.append((float(x), float(y)))
    return points


def _usable(point, logx, logy):
    """False for NaN/infinite points and for points a log axis cannot show."""
    x, y = point
    if not (math.isfinite(x) and math.isfinite(y)):
        return False
    return (x > 0 or not logx) and (y > 0 or not logy)


def line_chart(series, title="", xlabel="", ylabel="", logx=False,
               logy=False, width=640, height=400):
    """One line per series: ``{name: [y, ...]}`` or ``{name: [(x, y), ...]}``.

    With a plain list of y values, x runs 1, 2, 3, ... (e.g. epochs). A
    legend appears when there is more than one series; short series (up to
    25 points) also get a dot at each point. NaN and infinite values, and
    values <= 0 on a log axis, are left out of the line.
    """
    if not isinstance(series, dict):
        series = {"": series}
    if not series:
        raise ValueError("line_chart needs at least one series")
    curves = {}
    for name, values in series.items():
        curves[name] = [p for p in _points(values) if _usable(p, logx, logy)]
    everything = [p for points in curves.values() for p in points]
    if not everything:
        raise ValueError("line_chart: no finite values to draw")
    axes = Axes([p[0] for p in everything], [p[1] for p in everything],
                logx=logx, logy=logy)
    names = [str(name) for name in curves] if len(curves) > 1 else []
    right = legend_width(names) + 20
    left = axes.y_label_width() + 10
    axes.place(left, _TOP, width - left - right, height - _TOP - _BOTTOM)
    pic = Svg(width, height, title=title)
    pic.add(*axes.draw(title, xlabel, ylabel))
    entries = []
    for i, (name, points) in enumerate(curves.items()):
        colour = PALETTE[i % len(PALETTE)]
        pixels = [(axes.px(x), axes.py(y)) for x, y in points]
        pic.add(polyline(pixels, stroke=colour, stroke_width=2,
                         stroke_linejoin="round", class_="series"))
        if len(pixels) <= 25:
            for x, y in pixels:
                pic.add(circle(x, y, 3, fill=colour, class_="marker"))
        entries.append((str(name), colour, "line"))
    if names:
        pic.add(*legend(left + axes.width + 16, _TOP + 10, entries))
    return pic


def bar_chart(values, title="", xlabel="", ylabel="", logy=False,
              width=640, height=400):
    """One bar per value: ``{label: value}`` or a list (labelled 1, 2, ...).

    With ``logy=True`` bars start at the bottom of the axis and every value
    must be > 0, which suits gradient sizes that differ by powers of ten.
    """
    if isinstance(values, dict):
        labels, heights = [str(k) for k in values], list(values.values())
    else:
        heights = list(values)
        labels = [str(i + 1) for i in range(len(heights))]
    if not heights:
        raise ValueError("bar_chart needs at least one value")
    heights = [float(h) for h in heights]
    if logy and min(heights) <= 0:
        raise ValueError("logy=True needs values > 0, got %r" % min(heights))
    y_range = heights if logy else heights + [0.0]
    axes = Axes(None, y_range, logy=logy)
    left = axes.y_label_width() + 10
    plot_width = width - left - 20
    slot = plot_width / len(heights)
    # Long labels that would collide are turned by 45 degrees.
    widest = max(text_width(label, TICK_SIZE) for label in labels)
    tilt = widest > slot - 6
    bottom = _BOTTOM + (min(widest, 160) * 0.7 if tilt else 0)
    axes.place(left, _TOP, plot_width, height - _TOP - bottom)
    pic = Svg(width, height, title=title)
    pic.add(*axes.draw(title, "", ylabel))
    base = axes.py(axes.y_lo if logy else 0.0)
    if not logy and axes.y_lo < 0:
        pic.add(line(left, base, left + plot_width, base, stroke="#555555"))
    for i, (label, h) in enumerate(zip(labels, heights)):
        x = left + slot * (i + 0.15)
        top = axes.py(h)
        pic.add(rect(x, min(top, base), slot * 0.7, abs(base - top),
                     fill=PALETTE[0], class_="bar"))
        # The value itself: inside the end of the bar if it fits there.
        label_text = format_tick(float("%.3g" % h))
        inside = abs(base - top) > 20 and \
            text_width(label_text, TICK_SIZE) < slot * 0.7
        if top <= base:
            value_y = top + 15 if inside else top - 5
        else:
            value_y = top - 6 if inside else top + 14
        pic.add(text(x + slot * 0.35, value_y, label_text, TICK_SIZE,
                     fill="white" if inside else "#333333", class_="value"))
        cx, ty = left + slot * (i + 0.5), _TOP + axes.height + 18
        if tilt:
            pic.add(text(cx, ty, label, TICK_SIZE, anchor="end",
                         transform="rotate(-45 %.1f %.1f)" % (cx, ty - 4)))
        else:
            pic.add(text(cx, ty, label, TICK_SIZE))
    if xlabel:
        pic.add(text(left + plot_width / 2, height - 14, xlabel, LABEL_SIZE,
                     class_="xlabel"))
    return pic
