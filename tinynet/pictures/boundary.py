"""Decision boundaries: what a classifier predicts everywhere in a 2-D plane.

The plane around the data is cut into a grid of ``resolution x resolution``
cells. ``predict`` is called once with the centres of all cells, and each cell
is coloured by the predicted class; then the data points are drawn on top in
the colour of their true class.

``predict`` takes a list of points ``[[x1, x2], ...]`` and returns one entry
per point: a class label (int), the probability of class 1 (float, two
classes), or a list of class probabilities. Probabilities shade the colour:
pale where the model is unsure, strong where it is confident.

>>> pic = decision_boundary(lambda P: [int(p[0] > 0) for p in P],
...                         [[-1.0, 0.0], [1.0, 0.5]], [0, 1], resolution=10)
>>> str(pic).count('class="point"')
2
"""

from .axes import Axes, legend, legend_width
from .svg import PALETTE, Svg, circle, element, rect, runs, tint

__all__ = ["decision_boundary"]

_LEVELS = 8   # shades per class, so runs of equal cells can be merged


def _label_and_confidence(output):
    """Turn one prediction into ``(class, confidence in [0, 1])``."""
    if isinstance(output, (list, tuple)):
        if len(output) == 1:
            output = float(output[0])
        else:
            best = max(range(len(output)), key=lambda k: output[k])
            # Rescale so 1/K (a guess) -> 0 and 1 (certain) -> 1.
            guess = 1.0 / len(output)
            return best, (output[best] - guess) / (1.0 - guess)
    if isinstance(output, float):
        return (1 if output >= 0.5 else 0), abs(output - 0.5) * 2.0
    return int(output), 1.0


def _class_of(target):
    """A true label may be an int, a float such as 1.0, or a one-hot row."""
    if isinstance(target, (list, tuple)):
        return max(range(len(target)), key=lambda k: target[k])
    return int(round(target))


def decision_boundary(predict, X, y, title="", resolution=80, xlabel="x1",
                      ylabel="x2", class_names=None, size=420):
    """Colour the plane by ``predict`` and draw the points ``X`` with labels ``y``.

    Args:
        predict: function from a list of 2-D points to labels/probabilities.
        X: the data points, a list of ``[x1, x2]``.
        y: their true classes (ints, or one-hot rows).
        resolution: grid cells per side; ``predict`` sees resolution**2 points.
        class_names: optional legend names; default "class 0", "class 1", ...
        size: width and height of the square plot area in pixels.
    """
    if len(X) != len(y):
        raise ValueError("X has %d points but y has %d labels"
                         % (len(X), len(y)))
    if not X or any(len(p) != 2 for p in X):
        raise ValueError("X must be a non-empty list of 2-D points")
    labels = [_class_of(t) for t in y]
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    pad_x = 0.1 * (max(xs) - min(xs) or 1.0)
    pad_y = 0.1 * (max(ys) - min(ys) or 1.0)
    axes = Axes([min(xs) - pad_x, max(xs) + pad_x],
                [min(ys) - pad_y, max(ys) + pad_y])

    # Ask the model about the centre of every grid cell, row by row.
    step_x = (axes.x_hi - axes.x_lo) / resolution
    step_y = (axes.y_hi - axes.y_lo) / resolution
    grid = [[axes.x_lo + step_x * (i + 0.5), axes.y_lo + step_y * (j + 0.5)]
            for j in range(resolution) for i in range(resolution)]
    outputs = list(predict(grid))
    if len(outputs) != len(grid):
        raise ValueError("predict returned %d values for %d points"
                         % (len(outputs), len(grid)))
    cells = [_label_and_confidence(o) for o in outputs]
    n_classes = max([label for label, _ in cells] + labels) + 1
    names = class_names or ["class %d" % k for k in range(n_classes)]

    right = legend_width(names) + 16
    left = axes.y_label_width() + 10
    side = size
    axes.place(left, 50, side, side)
    pic = Svg(left + side + right, 50 + side + 62, title=title)

    # Cells: merge neighbours in a row that share class and shade.
    regions = []
    cell_w, cell_h = side / resolution, side / resolution
    for j in range(resolution):
        row = cells[j * resolution:(j + 1) * resolution]
        keys = [(label, int(conf * (_LEVELS - 1) + 0.5)) for label, conf in row]
        for start, stop, (label, level) in runs(keys):
            regions.append(rect(
                axes.left + start * cell_w,
                axes.top + side - (j + 1) * cell_h,
                # 0.5 px overlap hides hairline seams between cells.
                (stop - start) * cell_w + 0.5, cell_h + 0.5,
                fill=tint(PALETTE[label % len(PALETTE)],
                          0.12 + 0.33 * level / (_LEVELS - 1))))
    pic.add(element("g", regions, class_="regions",
                    shape_rendering="crispEdges"))
    pic.add(*axes.draw(title, xlabel, ylabel, grid=False))
    for (x1, x2), label in zip(X, labels):
        pic.add(circle(axes.px(x1), axes.py(x2), 4,
                       fill=PALETTE[label % len(PALETTE)], stroke="white",
                       stroke_width=1, class_="point"))
    entries = [(name, PALETTE[k % len(PALETTE)], "box")
               for k, name in enumerate(names)]
    pic.add(*legend(left + side + 16, 60, entries))
    return pic
