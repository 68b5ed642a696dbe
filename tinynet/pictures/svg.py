"""A tiny SVG writer: the `Svg` picture and helpers that make its elements.

SVG is a text format for vector pictures that every browser (and Jupyter)
shows. A picture is a list of elements such as ``<line .../>`` and
``<text ...>label</text>`` inside one ``<svg>`` element, so writing one needs
nothing but string formatting.

>>> pic = Svg(100, 50, title="demo")
>>> pic.add(circle(25, 25, 10, fill="red"))
>>> print(pic.to_string())  # doctest: +NORMALIZE_WHITESPACE
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"
     viewBox="0 0 100 50" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
<title>demo</title>
<rect x="0" y="0" width="100" height="50" fill="white"/>
<circle cx="25" cy="25" r="10" fill="red"/>
</svg>
"""

import os
import tempfile
from xml.sax.saxutils import escape, quoteattr

__all__ = ["Svg", "element", "line", "rect", "circle", "polyline", "text",
           "tint", "runs", "PALETTE", "FONT",
           "text_width"]

# Okabe & Ito's colour-blind-safe colours (blue, vermillion, green, orange,
# reddish purple, sky blue, yellow, black), used for series and classes.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7",
           "#56B4E9", "#F0E442", "#000000"]

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def _number(value):
    """Format a coordinate with at most 2 decimals: 3.0 -> '3', 2.456 -> '2.46'."""
    text = "%.2f" % value
    text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def element(tag, content=None, **attrs):
    """One SVG element as a string; ``stroke_width=2`` becomes ``stroke-width="2"``.

    Numbers are rounded to 2 decimals; ``content`` is escaped text, or a list
    of already-made child elements.

    >>> element("rect", x=1, y=2.5, width=3, height=4, fill="#fff")
    '<rect x="1" y="2.5" width="3" height="4" fill="#fff"/>'
    >>> element("text", "a < b", x=0, y=10)
    '<text x="0" y="10">a &lt; b</text>'
    """
    parts = [tag]
    for name, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = _number(value)
        parts.append("%s=%s" % (name.rstrip("_").replace("_", "-"),
                                quoteattr(str(value))))
    head = " ".join(parts)
    if content is None:
        return "<%s/>" % head
    if isinstance(content, list):
        return "<%s>%s</%s>" % (head, "".join(content), tag)
    return "<%s>%s</%s>" % (head, escape(str(content)), tag)


def line(x1, y1, x2, y2, stroke="black", **attrs):
    """A straight line from (x1, y1) to (x2, y2)."""
    return element("line", x1=float(x1), y1=float(y1), x2=float(x2),
                   y2=float(y2), stroke=stroke, **attrs)


def rect(x, y, width, height, fill="none", **attrs):
    """A rectangle with its top-left corner at (x, y)."""
    return element("rect", x=float(x), y=float(y), width=float(width),
                   height=float(height), fill=fill, **attrs)


def circle(cx, cy, r, fill="black", **attrs):
    """A circle of radius ``r`` around (cx, cy)."""
    return element("circle", cx=float(cx), cy=float(cy), r=float(r),
                   fill=fill, **attrs)


def polyline(points, stroke="black", **attrs):
    """A line through the pixel points ``[(x, y), ...]``."""
    coords = " ".join("%s,%s" % (_number(x), _number(y)) for x, y in points)
    return element("polyline", points=coords, stroke=stroke, fill="none",
                   **attrs)


def text(x, y, content, size=12, anchor="middle", **attrs):
    """Text whose baseline starts, centres or ends at (x, y) (``anchor``)."""
    return element("text", content, x=float(x), y=float(y), font_size=size,
                   text_anchor=anchor, **attrs)


def tint(colour, amount):
    """Mix ``colour`` (#rrggbb) with white: amount 0 -> white, 1 -> colour.

    >>> tint("#0072B2", 0.5)
    '#80b8d8'
    """
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    mixed = [int(round(255 + (c - 255) * amount)) for c in rgb]
    return "#%02x%02x%02x" % tuple(mixed)


def runs(values):
    """Split a row into runs of equal values: ``(start, stop, value)``.

    Pictures made of grid cells draw one rectangle per run instead of one
    per cell, which keeps the SVG small.

    >>> list(runs([0, 0, 1, 0]))
    [(0, 2, 0), (2, 3, 1), (3, 4, 0)]
    """
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            yield start, i, values[start]
            start = i


def text_width(content, size=12):
    """A rough width in pixels of ``content`` in a sans-serif font."""
    return 0.6 * size * len(str(content))


class Svg:
    """An SVG picture: a size, an optional title and a list of elements.

    ``str(pic)`` and ``pic.to_string()`` give the SVG text, ``pic.save(path)``
    writes it to a file, and Jupyter shows ``pic`` as a picture through
    ``_repr_svg_``.
    """

    def __init__(self, width, height, title=None):
        self.width = int(round(width))
        self.height = int(round(height))
        self.title = title
        self.elements = []

    def add(self, *elements):
        """Append elements (strings made by the helpers in this module)."""
        self.elements.extend(elements)

    def to_string(self):
        """The whole picture as SVG text."""
        lines = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" '
                 'height="%d" viewBox="0 0 %d %d" font-family=%s>'
                 % (self.width, self.height, self.width, self.height,
                    quoteattr(FONT))]
        if self.title:
            # <title> is what screen readers and tooltips show.
            lines.append(element("title", self.title))
        lines.append(rect(0, 0, self.width, self.height, fill="white"))
        lines.extend(self.elements)
        lines.append("</svg>")
        return "\n".join(lines)

    __str__ = to_string

    def _repr_svg_(self):
        """Let Jupyter draw the picture inline."""
        return self.to_string()

    def save(self, path):
        """Write the picture to ``path`` (parent folders are created).

        The text goes to a temporary file first and is then renamed, so a
        crash never leaves a half-written picture behind. Returns ``path``.
        """
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        handle, temp = tempfile.mkstemp(suffix=".svg.tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as f:
                f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
                f.write(self.to_string())
                f.write("\n")
            os.chmod(temp, 0o644)  # mkstemp makes it private (0600)
            os.replace(temp, path)
        except BaseException:
            os.remove(temp)
            raise
        return path

    def __repr__(self):
        return "Svg(%dx%d, %d elements%s)" % (
            self.width, self.height, len(self.elements),
            ", title=%r" % self.title if self.title else "")
