"""A computational graph (``tinynet.graph``) as a picture: one box per node.

Each box shows the node's name (a leaf's label, or its gate: +, −, ×, exp, σ,
…), its forward value, and in red its gradient ∂J/∂node. The graph reads
from left to right in evaluation order: the inputs in the first column, each
gate one column right of its latest input, J at the right, and a small
``#n`` in each box counts the nodes in the order they are computed. Each
arrow goes from an input into its gate and carries, in grey, the gate's local
gradient ∂out/∂in for that input.

>>> from tinynet.graph import Value
>>> a, b = Value(2, "a"), Value(3, "b")
>>> J = a * b
>>> J.backward()
>>> pic = graph_diagram(J, title="J = a·b")
>>> str(pic).count('class="node"'), str(pic).count('class="edge"')
(3, 2)
"""

from ..errors import DataTypeError
from .svg import Svg, element, line, rect, text, text_width

__all__ = ["graph_diagram"]

VALUE = "#222222"
GRADIENT = "#C62828"      # red, as gradients are drawn on the slides
LOCAL = "#777777"         # grey: a gate's local gradient on its arrow
_BOX_H = 58               # box height in pixels
_ROW_GAP = 30             # vertical room between boxes in a column
_COL_GAP = 86             # horizontal room between columns (the arrows live here)
_TOP = 64                 # room for the title
_BOTTOM = 56              # room for the legend


def _number(x):
    """A short form of a number for a box: 4 significant digits."""
    return "{:.4g}".format(x)


def _columns(order):
    """Column of each node: a gate sits right of its inputs, a leaf just left of its first gate."""
    column, children = {}, {node: [] for node in order}
    for node in order:
        column[node] = 1 + max((column[p] for p in node.parents), default=-1)
        for parent in node.parents:
            children[parent].append(node)
    for node in order:
        if not node.parents and children[node]:
            column[node] = min(column[child] for child in children[node]) - 1
    return column, children


def _rows(order, column, children):
    """The nodes of each column, top to bottom, so that arrows cross as little as they can.

    Start in evaluation order, then twice sort every column by the mean row of
    the nodes it is joined to (the "barycenter" heuristic).
    """
    n_columns = max(column.values()) + 1
    rows = [[node for node in order if column[node] == c] for c in range(n_columns)]
    position = {}

    def place():
        for c, nodes in enumerate(rows):
            for i, node in enumerate(nodes):
                position[node] = i - (len(nodes) - 1) / 2.0

    place()
    rank = {node: i for i, node in enumerate(order)}
    for _ in range(2):
        for nodes in rows:
            def key(node):
                joined = list(node.parents) or children[node]
                return (sum(position[n] for n in joined) / len(joined) if joined else 0.0, rank[node])
            nodes.sort(key=key)
            place()
    return rows, position


def _name(node):
    if node.label and node.op:
        return "{} = {}".format(node.label, node.op)
    return node.label or node.op


def graph_diagram(root, title=""):
    """Draw the graph that computes ``root`` (a ``tinynet.graph.Value``).

    Call ``root.backward()`` first to see the gradients (before, they read 0).
    """
    from ..graph import Value
    if not isinstance(root, Value):
        raise DataTypeError("graph_diagram draws a tinynet.graph.Value, got {}".format(type(root).__name__))
    order = root.topological_order()
    column, children = _columns(order)
    rows, position = _rows(order, column, children)

    lines = {node: [_name(node), "value " + _number(node.data), "grad " + _number(node.grad)]
             for node in order}
    widths = [max(max(text_width(s, 13) for s in lines[n]) + 30, 84) for n in order]
    box_w = max(widths)
    tallest = max(len(nodes) for nodes in rows)
    width = max(540, 40 + len(rows) * box_w + (len(rows) - 1) * _COL_GAP + 40)
    height = _TOP + tallest * (_BOX_H + _ROW_GAP) + _BOTTOM
    middle = _TOP + tallest * (_BOX_H + _ROW_GAP) / 2.0

    def box(node):
        """(left, top) of the node's box."""
        left = (width - len(rows) * box_w - (len(rows) - 1) * _COL_GAP) / 2.0 + column[node] * (box_w + _COL_GAP)
        return left, middle + position[node] * (_BOX_H + _ROW_GAP) - _BOX_H / 2.0

    pic = Svg(width, height, title=title or "computational graph")
    pic.add(element("defs", [element("marker", [element("path", d="M0,0 L10,5 L0,10 z", fill="#444444")],
                                     id="arrow", viewBox="0 0 10 10", refX=10, refY=5,
                                     markerWidth=7, markerHeight=7, orient="auto")]))
    if title:
        pic.add(text(width / 2.0, 32, title, 16, font_weight="bold", class_="title"))

    # Arrows first, so that the boxes are drawn over their ends.
    for node in order:
        x2, top = box(node)
        k = len(node.parents)
        for i, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            left, parent_top = box(parent)
            x1, y1 = left + box_w, parent_top + _BOX_H / 2.0
            y2 = top + _BOX_H * (i + 1) / (k + 1)
            pic.add(line(x1, y1, x2, y2, stroke="#444444", stroke_width=1.3, marker_end="url(#arrow)",
                         class_="edge"))
            back = min(20.0, 0.4 * (x2 - x1)) / (x2 - x1)       # the label sits near the arrow's head
            pic.add(text(x2 - back * (x2 - x1), y2 - back * (y2 - y1) - 5, _number(local), 10,
                         fill=LOCAL, class_="local-grad"))

    for number, node in enumerate(order, 1):
        left, top = box(node)
        leaf = not node.parents
        pic.add(rect(left, top, box_w, _BOX_H, fill="#F4F8FB" if leaf else "white", stroke="#222222",
                     stroke_width=1.5 if node is root else 1, rx=6, class_="node"))
        pic.add(text(left + box_w - 4, top + 11, "#{}".format(number), 9, anchor="end", fill=LOCAL,
                     class_="order"))
        name, value, grad = lines[node]
        pic.add(text(left + box_w / 2.0, top + 18, name, 13, font_weight="bold", class_="op"))
        pic.add(text(left + box_w / 2.0, top + 35, value, 12, fill=VALUE, class_="value"))
        pic.add(text(left + box_w / 2.0, top + 51, grad, 12, fill=GRADIENT, class_="grad"))

    y = height - _BOTTOM / 2.0
    pic.add(text(20, y, "box: the node's name, its forward value, and in red its gradient ∂J/∂node", 12,
                 anchor="start", class_="legend"),
            text(20, y + 16,
                 "grey number on an arrow: the gate's local gradient ∂out/∂in; #n: evaluation order",
                 12, anchor="start", fill=LOCAL, class_="legend"))
    return pic
