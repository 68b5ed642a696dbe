"""Axes for charts: "nice" tick values, data-to-pixel mapping, legends.

A chart maps data coordinates to pixels. `Axes` rounds the data range out to
"nice" tick values (steps of 1, 2 or 5 times a power of ten, or powers of ten
on a log axis), places the plot area inside the picture, and draws the frame,
grid, ticks, tick labels, axis labels and title.

>>> nice_ticks(0.0, 0.93)
[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
>>> log_ticks(3.0, 2000.0)
[1.0, 10.0, 100.0, 1000.0, 10000.0]
>>> format_tick(2e-05), format_tick(0.25), format_tick(1000000.0)
('2e-5', '0.25', '1e6')
"""

import math

from .svg import line, rect, text, text_width

__all__ = ["nice_ticks", "log_ticks", "format_tick", "Axes", "legend",
           "legend_width"]

TITLE_SIZE = 16
LABEL_SIZE = 13
TICK_SIZE = 11
GRID = "#e4e4e4"


# === Tick values ===

def nice_ticks(low, high, target=5):
    """Evenly spaced round tick values that cover [low, high].

    The step is 1, 2 or 5 times a power of ten, chosen so that there are
    about ``target`` intervals; the first and last ticks enclose the data.
    """
    if high < low:
        low, high = high, low
    if high - low < 1e-12 * max(1.0, abs(low)):
        pad = abs(low) * 0.1 if low != 0 else 1.0
        low, high = low - pad, high + pad
    power = 10.0 ** math.floor(math.log10((high - low) / target))
    best = None
    for multiple in (1.0, 2.0, 5.0, 10.0):
        step = multiple * power
        first = math.floor(low / step + 1e-9)
        last = math.ceil(high / step - 1e-9)
        # Keep the step whose number of intervals is closest to target.
        if best is None or abs(last - first - target) < best[0]:
            best = (abs(last - first - target), step, first, last)
    _, step, first, last = best
    digits = max(0, -int(math.floor(math.log10(step)))) + 1
    return [round(k * step, digits) + 0.0 for k in range(first, last + 1)]


def log_ticks(low, high):
    """Powers of ten that cover [low, high] (both must be > 0).

    When the data spans a single decade, 2x and 5x ticks are added so the
    axis still has labelled ticks.
    """
    if low <= 0 or high <= 0:
        raise ValueError("a log axis needs values > 0, got %r" % (low,))
    first = int(math.floor(math.log10(low) + 1e-9))
    last = int(math.ceil(math.log10(high) - 1e-9))
    if last == first:
        last += 1
    stride = max(1, int(math.ceil((last - first) / 8.0)))
    ticks = [10.0 ** k for k in range(first, last + 1, stride)]
    if ticks[-1] < high:
        ticks.append(10.0 ** (first + stride * len(ticks)))
    if last - first == 1:
        ticks = [t * m for t in ticks[:-1] for m in (1, 2, 5)] + ticks[-1:]
    return ticks


def format_tick(value):
    """A short label for a tick value: 0.1, 25, 1e6, 2e-5."""
    if value == 0:
        return "0"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        mantissa, exponent = ("%.2e" % value).split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return "%se%d" % (mantissa, int(exponent))
    return "%.6g" % value


# === The plot area ===

class Axes:
    """A plot area: data ranges with ticks, placed at a pixel rectangle.

    Make it from the data ranges, then call ``place`` with the pixel box,
    then use ``px``/``py`` to map data to pixels and ``draw`` for the frame.
    ``x_range=None`` leaves the x axis to the caller (e.g. bar labels).
    """

    def __init__(self, x_range, y_range, logx=False, logy=False):
        self.logx, self.logy = logx, logy
        self.x_ticks = self._ticks(x_range, logx) if x_range else None
        self.y_ticks = self._ticks(y_range, logy)
        self.x_lo, self.x_hi = (self.x_ticks[0], self.x_ticks[-1]) \
            if self.x_ticks else (0.0, 1.0)
        self.y_lo, self.y_hi = self.y_ticks[0], self.y_ticks[-1]
        self.left = self.top = 0.0
        self.width = self.height = 1.0

    @staticmethod
    def _ticks(data_range, log):
        low, high = min(data_range), max(data_range)
        return log_ticks(low, high) if log else nice_ticks(low, high)

    def y_label_width(self):
        """Pixels needed left of the plot for tick labels and the y label."""
        widest = max(text_width(format_tick(t), TICK_SIZE)
                     for t in self.y_ticks)
        return widest + 12 + LABEL_SIZE + 14

    def place(self, left, top, width, height):
        """Put the plot area at this pixel rectangle."""
        self.left, self.top = left, top
        self.width, self.height = width, height

    def _fraction(self, value, lo, hi, log):
        if log:
            return (math.log10(value) - math.log10(lo)) / \
                (math.log10(hi) - math.log10(lo))
        return (value - lo) / (hi - lo)

    def px(self, x):
        """Pixel column of data value ``x``."""
        return self.left + self.width * self._fraction(
            x, self.x_lo, self.x_hi, self.logx)

    def py(self, y):
        """Pixel row of data value ``y`` (pixels grow downwards)."""
        return self.top + self.height * (1.0 - self._fraction(
            y, self.y_lo, self.y_hi, self.logy))

    def draw(self, title="", xlabel="", ylabel="", grid=True):
        """Frame, grid lines, ticks with labels, axis labels and title."""
        out = []
        left, top = self.left, self.top
        right, bottom = left + self.width, top + self.height
        for t in self.y_ticks:
            y = self.py(t)
            if grid:
                out.append(line(left, y, right, y, stroke=GRID))
            out.append(line(left - 5, y, left, y))
            out.append(text(left - 8, y + 4, format_tick(t), TICK_SIZE,
                            anchor="end"))
        for t in self.x_ticks or []:
            x = self.px(t)
            if grid:
                out.append(line(x, top, x, bottom, stroke=GRID))
            out.append(line(x, bottom, x, bottom + 5))
            out.append(text(x, bottom + 18, format_tick(t), TICK_SIZE))
        out.append(rect(left, top, self.width, self.height, stroke="black"))
        if xlabel:
            out.append(text((left + right) / 2, bottom + 40, xlabel,
                            LABEL_SIZE, class_="xlabel"))
        if ylabel:
            x = left - self.y_label_width() + LABEL_SIZE
            out.append(text(x, (top + bottom) / 2, ylabel, LABEL_SIZE,
                            class_="ylabel", transform="rotate(-90 %.1f %.1f)"
                            % (x, (top + bottom) / 2)))
        if title:
            # centred over the plot, but never starting left of the picture's edge
            half = text_width(title, TITLE_SIZE) * 0.55          # bold text runs a little wider
            centre = max((left + right) / 2, half + 8)
            out.append(text(centre, top - 14, title, TITLE_SIZE,
                            font_weight="bold", class_="title"))
        return out


# === Legends ===

def legend_width(labels):
    """Pixels a legend with these labels needs (0 for no labels)."""
    if not labels:
        return 0
    return 40 + max(text_width(label, LABEL_SIZE) for label in labels) + 16


def legend(x, y, entries):
    """A legend at (x, y): one row per ``(label, colour, kind)`` entry.

    ``kind`` is ``"line"`` (a short line) or ``"box"`` (a filled square).
    """
    out = []
    for i, (label, colour, kind) in enumerate(entries):
        row_y = y + 20 * i
        if kind == "line":
            out.append(line(x, row_y, x + 24, row_y, stroke=colour,
                            stroke_width=3))
        else:
            out.append(rect(x + 5, row_y - 7, 14, 14, fill=colour,
                            stroke="#555555"))
        out.append(text(x + 32, row_y + 4, label, LABEL_SIZE, anchor="start",
                        class_="legend"))
    return out
