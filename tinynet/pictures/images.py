"""Grey-scale image grids (digits, first-layer weights) and confusion matrices.

An image is a flat list of ``rows * columns`` numbers in row-major order (the
layout of the digit data sets and of one row of a first-layer weight matrix
``W[1]``, shape ``(n_hidden, 256)``). High values are drawn dark, like ink.

>>> pic = image_grid([[0, 1, 1, 0]], shape=(2, 2), labels=["tiny"])
>>> str(pic).count('class="tile"')
1
"""

from .axes import LABEL_SIZE, TICK_SIZE, TITLE_SIZE
from .svg import PALETTE, Svg, element, rect, runs, text, text_width, tint

__all__ = ["image_grid", "confusion_matrix_chart"]

_LEVELS = 64   # grey levels; equal neighbours are merged into one rectangle


def _flatten(image, n_pixels):
    """Accept a flat list or a list of rows; return a flat list of floats."""
    if image and isinstance(image[0], (list, tuple)):
        image = [v for row in image for v in row]
    if len(image) != n_pixels:
        raise ValueError("an image has %d values but shape needs %d"
                         % (len(image), n_pixels))
    return [float(v) for v in image]


def _grey(fraction):
    """0 -> white, 1 -> black."""
    level = int(round(255 * (1.0 - fraction)))
    return "#%02x%02x%02x" % (level, level, level)


def image_grid(images, shape=(16, 16), labels=None, title="", columns=10,
               scale="each", pixel=4):
    """Draw images side by side as grey tiles, with an optional caption each.

    Args:
        images: list of images, each ``rows * columns`` numbers (row-major).
        shape: ``(rows, columns)`` of one image.
        labels: optional captions, one per image, e.g. "true 3 / predicted 5".
        columns: tiles per row of the grid.
        scale: ``"each"`` stretches every image to its own min..max (good for
            weights); ``"shared"`` uses one min..max for all (good for data).
        pixel: size of one image pixel on screen, in SVG pixels.
    """
    n_rows, n_cols = shape
    images = [_flatten(image, n_rows * n_cols) for image in images]
    if not images:
        raise ValueError("image_grid needs at least one image")
    if labels is not None and len(labels) != len(images):
        raise ValueError("%d labels for %d images" % (len(labels), len(images)))
    if scale not in ("each", "shared"):
        raise ValueError("scale must be 'each' or 'shared', got %r" % (scale,))
    every = [v for image in images for v in image]
    low, high = min(every), max(every)

    columns = max(1, min(columns, len(images)))
    tile_w, tile_h = n_cols * pixel, n_rows * pixel
    caption = 16 if labels is not None else 0
    widest = max(text_width(lbl, TICK_SIZE) for lbl in labels) if labels else 0
    cell_w = max(tile_w, widest) + 12
    cell_h = tile_h + caption + 12
    top = 44 if title else 10
    grid_rows = (len(images) + columns - 1) // columns
    width = max(cell_w * columns + 20, text_width(title, TITLE_SIZE) + 20)
    pic = Svg(width, top + cell_h * grid_rows + 6, title=title)
    if title:
        pic.add(text(width / 2.0, 28, title, TITLE_SIZE, font_weight="bold",
                     class_="title"))

    for k, image in enumerate(images):
        if scale == "each":
            low, high = min(image), max(image)
        span = (high - low) or 1.0
        x0 = 10 + (k % columns) * cell_w + (cell_w - tile_w) / 2.0
        y0 = top + (k // columns) * cell_h
        parts = [rect(x0, y0, tile_w, tile_h, fill="white")]
        for r in range(n_rows):
            row = image[r * n_cols:(r + 1) * n_cols]
            levels = [int((v - low) / span * (_LEVELS - 1) + 0.5) for v in row]
            for start, stop, level in runs(levels):
                if level > 0:   # white needs no rectangle
                    parts.append(rect(
                        x0 + start * pixel, y0 + r * pixel,
                        (stop - start) * pixel, pixel,
                        fill=_grey(level / (_LEVELS - 1.0))))
        parts.append(rect(x0, y0, tile_w, tile_h, stroke="#999999"))
        if labels is not None:
            parts.append(text(x0 + tile_w / 2.0, y0 + tile_h + 14,
                              labels[k], TICK_SIZE, class_="caption"))
        pic.add(element("g", parts, class_="tile",
                        shape_rendering="crispEdges"))
    return pic


def confusion_matrix_chart(matrix, labels=None, title="",
                           xlabel="predicted class", ylabel="true class"):
    """Counts of (true class, predicted class) as a shaded table.

    ``matrix[i][j]`` counts examples of true class ``i`` predicted as ``j``;
    the diagonal holds the correct answers. Darker cells hold more examples.
    """
    n = len(matrix)
    if n == 0 or any(len(row) != n for row in matrix):
        raise ValueError("matrix must be square (n x n), got %d rows of "
                         "lengths %s" % (n, sorted(set(len(r) for r in matrix))))
    labels = [str(v) for v in (labels if labels is not None else range(n))]
    if len(labels) != n:
        raise ValueError("%d labels for a %dx%d matrix" % (len(labels), n, n))
    biggest = max(max(row) for row in matrix) or 1
    label_w = max(text_width(lbl, TICK_SIZE) for lbl in labels) + 12
    count_w = max(text_width(str(v), TICK_SIZE) for row in matrix for v in row)
    # Cells are wide enough for the counts and for the column labels.
    cell = max(34, count_w + 10, label_w)
    left, top = 30 + label_w, 56
    width = max(left + cell * n + 20, text_width(title, TITLE_SIZE) + 20)
    pic = Svg(width, top + cell * n + 52, title=title)
    if title:
        pic.add(text(left + cell * n / 2.0, 26, title, TITLE_SIZE,
                     font_weight="bold", class_="title"))
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            share = count / float(biggest)
            x, y = left + j * cell, top + i * cell
            pic.add(rect(x, y, cell, cell, fill=tint(PALETTE[0], share),
                         stroke="white", class_="cell"))
            pic.add(text(x + cell / 2.0, y + cell / 2.0 + 4, count, TICK_SIZE,
                         fill="white" if share > 0.55 else "black"))
    pic.add(rect(left, top, cell * n, cell * n, stroke="#999999"))
    for k, lbl in enumerate(labels):
        middle = k * cell + cell / 2.0
        pic.add(text(left - 6, top + middle + 4, lbl, TICK_SIZE, anchor="end"))
        pic.add(text(left + middle, top + n * cell + 16, lbl, TICK_SIZE))
    pic.add(text(left + n * cell / 2.0, top + n * cell + 40, xlabel,
                 LABEL_SIZE, class_="xlabel"))
    x, y = 18, top + n * cell / 2.0
    pic.add(text(x, y, ylabel, LABEL_SIZE, class_="ylabel",
                 transform="rotate(-90 %.1f %.1f)" % (x, y)))
    return pic
