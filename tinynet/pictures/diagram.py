"""A picture of a fully connected network: neurons, weights and biases.

``weights[l]`` holds the weight matrix between layer ``l`` and layer
``l + 1`` with shape ``(n_out, n_in)``, as in the lecture, where
``W[l]`` is ``(n[l], n[l-1])``: row ``j`` holds the weights *into* neuron
``j``. (The list is 0-based, so ``weights[0]`` is the lecture's ``W[1]``.)

Each neuron is a circle in its layer's column. Each weight is a line, blue
if positive and red if negative, thicker when ``|w|`` is larger. Layers with
more than ``max_units`` neurons are drawn compressed: the first few neurons,
a "⋮", the last two, and a label such as "256 units".

>>> pic = network_diagram([[[1.0, -2.0]], ], title="2-1")
>>> str(pic).count('class="neuron"'), str(pic).count('class="weight"')
(3, 2)
"""

from .svg import Svg, circle, line, rect, text, tint

__all__ = ["network_diagram"]

POSITIVE = "#0072B2"   # blue
NEGATIVE = "#C62828"   # red
_GAP = 44              # pixels between neurons in a column
_RADIUS = 13
_COLUMN = 190          # pixels between layer columns
_TOP = 86              # room for the title and layer names
_BOTTOM = 110          # room for the unit counts and the legend


def _layer_sizes(weights):
    """Check the shapes and return ``[n_in, n_1, ..., n_out]``."""
    if not weights:
        raise ValueError("weights is empty: give one matrix per layer")
    sizes = [len(weights[0][0]) if weights[0] else 0]
    if sizes[0] == 0:
        raise ValueError("weights[0] has no columns: the input layer is empty")
    for l, W in enumerate(weights):
        n_out = len(W)
        if n_out == 0 or any(len(row) != sizes[-1] for row in W):
            lengths = sorted(set(len(row) for row in W))
            raise ValueError(
                "weights[%d] should have shape (n_out, %d): rows of length "
                "%d (the size of the layer before), got %d rows of length %s"
                % (l, sizes[-1], sizes[-1], n_out, lengths))
        sizes.append(n_out)
    return sizes


def _shown(n, max_units):
    """Indices of the neurons to draw; ``None`` marks the "⋮" gap."""
    if n <= max_units:
        return list(range(n))
    return [0, 1, 2, 3, None, n - 2, n - 1]


def network_diagram(weights, biases=None, layer_names=None, title="",
                    max_units=12):
    """Draw a network from its weight matrices (and optionally biases).

    Args:
        weights: list of matrices; ``weights[l]`` is a list of ``n_out``
            rows of ``n_in`` numbers (lecture shape ``(n[l], n[l-1])``).
        biases: optional list of vectors; ``biases[l]`` has ``n_out``
            numbers. A neuron's fill shows its bias (blue +, red -).
        layer_names: optional names, one per layer including the input.
        title: the picture's title.
        max_units: layers with more neurons than this are compressed.
    """
    sizes = _layer_sizes(weights)
    if biases is not None:
        if len(biases) != len(weights) or any(
                len(b) != n for b, n in zip(biases, sizes[1:])):
            raise ValueError("biases[l] must have one entry per row of "
                             "weights[l]; layer sizes are %s" % sizes)
    if layer_names is None:
        layer_names = ["input"] + ["hidden %d" % l
                                   for l in range(1, len(sizes) - 1)]
        layer_names.append("output")
    if len(layer_names) != len(sizes):
        raise ValueError("need %d layer names (input included), got %d"
                         % (len(sizes), len(layer_names)))

    shown = [_shown(n, max_units) for n in sizes]
    tallest = max(len(s) for s in shown)
    width = max(520, 120 + _COLUMN * (len(sizes) - 1) + 120)
    height = _TOP + _GAP * tallest + _BOTTOM - (24 if biases is None else 0)
    x0 = (width - _COLUMN * (len(sizes) - 1)) / 2.0

    def position(layer, slot):
        """Pixel centre of the neuron in row ``slot`` of ``layer``."""
        offset = (tallest - len(shown[layer])) * _GAP / 2.0
        return (x0 + _COLUMN * layer,
                _TOP + offset + _GAP * (slot + 0.5))

    pic = Svg(width, height, title=title)
    if title:
        pic.add(text(width / 2.0, 30, title, 16, font_weight="bold",
                     class_="title"))

    # Weights first, so the neurons are drawn on top of the lines.
    biggest = max(abs(w) for W in weights for row in W for w in row) or 1.0
    for l, W in enumerate(weights):
        for j_slot, j in enumerate(shown[l + 1]):
            for i_slot, i in enumerate(shown[l]):
                if i is None or j is None:
                    continue
                w = W[j][i]
                (x1, y1), (x2, y2) = position(l, i_slot), position(l + 1, j_slot)
                pic.add(line(x1, y1, x2, y2,
                             stroke=POSITIVE if w >= 0 else NEGATIVE,
                             stroke_width=0.4 + 4.6 * abs(w) / biggest,
                             stroke_opacity=0.75, class_="weight"))

    if biases is not None:
        biggest_b = max(abs(v) for b in biases for v in b) or 1.0
    for l, slots in enumerate(shown):
        for slot, i in enumerate(slots):
            x, y = position(l, slot)
            if i is None:
                pic.add(text(x, y + 8, "\u22ee", 26, class_="ellipsis"))
                continue
            fill = "white"
            if biases is not None and l > 0:
                b = biases[l - 1][i]
                fill = tint(POSITIVE if b >= 0 else NEGATIVE,
                             0.85 * abs(b) / biggest_b)
            pic.add(circle(x, y, _RADIUS, fill=fill, stroke="#222222",
                           stroke_width=1.5, class_="neuron"))
        x = x0 + _COLUMN * l
        pic.add(text(x, _TOP - 16, layer_names[l], 13, font_weight="bold",
                     class_="layer-name"))
        units = "1 unit" if sizes[l] == 1 else "%d units" % sizes[l]
        pic.add(text(x, _TOP + _GAP * tallest + 20, units, 12,
                     class_="layer-size"))

    pic.add(*_legend(20, _TOP + _GAP * tallest + 64, biases is not None))
    return pic


def _legend(x, y, with_biases):
    """Explain colours and widths in one or two rows at the bottom."""
    out = [line(x, y, x + 26, y, stroke=POSITIVE, stroke_width=3),
           text(x + 32, y + 4, "positive weight", 12, anchor="start"),
           line(x + 150, y, x + 176, y, stroke=NEGATIVE, stroke_width=3),
           text(x + 182, y + 4, "negative weight", 12, anchor="start"),
           text(x + 300, y + 4, "line width \u221d |w|", 12, anchor="start")]
    if with_biases:
        out += [rect(x + 6, y + 16, 14, 14, fill=tint(POSITIVE, 0.85),
                     stroke="#222222"),
                text(x + 32, y + 28, "fill: bias (blue +, red \u2212, "
                     "white 0)", 12, anchor="start")]
    return out
