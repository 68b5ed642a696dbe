"""Tests for tinynet.pictures: every picture is well-formed SVG with the
elements a reader needs (title, axes, one mark per thing drawn, legend)."""

import math
import os
import xml.etree.ElementTree as ET

import pytest

from tinynet import pictures
from tinynet.pictures import (Svg, bar_chart, confusion_matrix_chart,
                              decision_boundary, image_grid, line_chart,
                              network_diagram)
from tinynet.pictures.axes import format_tick, log_ticks, nice_ticks
from tinynet.pictures.svg import element

NS = "{http://www.w3.org/2000/svg}"


def parse(pic):
    """Parse the SVG text; fails the test if it is not well-formed XML."""
    root = ET.fromstring(pic.to_string())
    assert root.tag == NS + "svg"
    assert int(root.get("width")) == pic.width
    return root


def find(root, tag, cls=None):
    found = root.iter(NS + tag)
    return [e for e in found if cls is None or e.get("class") == cls]


def texts(root):
    return ["".join(e.itertext()) for e in find(root, "text")]


def assert_titled(root, title):
    assert find(root, "title")[0].text == title
    assert [e.text for e in find(root, "text", "title")] == [title]


# === The Svg object ===

def test_svg_save_creates_folders_and_replaces(tmp_path):
    pic = line_chart([1, 2, 3], title="t")
    path = tmp_path / "a" / "b" / "chart.svg"
    assert pic.save(str(path)) == str(path)
    ET.parse(str(path))
    pic.save(str(path))  # overwriting works too
    assert os.listdir(str(path.parent)) == ["chart.svg"]  # no temp files left


def test_svg_repr_for_jupyter():
    pic = Svg(10, 20, title="x")
    assert pic._repr_svg_() == str(pic) == pic.to_string()
    assert repr(pic) == "Svg(10x20, 0 elements, title='x')"


def test_text_is_escaped():
    pic = line_chart({"a<b": [1, 2], "c & d": [2, 1]}, title='<"x">')
    root = parse(pic)
    assert_titled(root, '<"x">')
    assert "a<b" in texts(root) and "c & d" in texts(root)
    assert element("text", "&") == "<text>&amp;</text>"


# === Ticks ===

def test_nice_ticks():
    assert nice_ticks(0, 1.1) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2]
    assert nice_ticks(5, 50) == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
    assert nice_ticks(3.0, 3.0)[0] < 3.0 < nice_ticks(3.0, 3.0)[-1]
    ticks = nice_ticks(0.1, 0.3)
    assert all(len(format_tick(t)) <= 4 for t in ticks)


def test_log_ticks_and_labels():
    assert log_ticks(8, 512) == [1.0, 10.0, 100.0, 1000.0]
    assert log_ticks(3, 7) == [1.0, 2.0, 5.0, 10.0]
    assert format_tick(1e6) == "1e6" and format_tick(2.5e-5) == "2.5e-5"
    with pytest.raises(ValueError):
        log_ticks(0, 10)


# === Charts ===

def test_line_chart_elements():
    pic = line_chart({"train": [0.9, 0.5, 0.3, 0.2],
                      "validation": [1.0, 0.7, 0.6, 0.6]},
                     title="Loss", xlabel="epoch", ylabel="loss")
    root = parse(pic)
    assert_titled(root, "Loss")
    assert len(find(root, "polyline", "series")) == 2
    assert [e.text for e in find(root, "text", "legend")] == ["train",
                                                              "validation"]
    assert [e.text for e in find(root, "text", "xlabel")] == ["epoch"]
    assert [e.text for e in find(root, "text", "ylabel")] == ["loss"]
    labels = texts(root)
    assert "0.2" in labels and "1" in labels     # y tick labels
    assert "4" in labels                         # an x tick label


def test_line_chart_single_series_has_no_legend():
    root = parse(line_chart({"loss": [3, 2, 1]}))
    assert find(root, "text", "legend") == []


def test_line_chart_xy_pairs_log_axes_and_bad_values():
    series = {"a": [(10, 1e-3), (100, 1e-1), (1000, 10.0)],
              "b": [(10, float("nan")), (100, 0.0), (1000, 1.0)]}
    root = parse(line_chart(series, logx=True, logy=True))
    lines = find(root, "polyline", "series")
    assert [len(e.get("points").split()) for e in lines] == [3, 1]
    assert "1e-3" not in texts(root) and "0.001" in texts(root)


def test_line_chart_errors():
    with pytest.raises(ValueError):
        line_chart({})
    with pytest.raises(ValueError):
        line_chart({"a": [float("inf")]})


def test_bar_chart():
    values = {"layer 1": 3e-5, "layer 2": 2e-4, "output": 0.05}
    root = parse(bar_chart(values, title="Gradients", logy=True,
                           ylabel="mean |dW|"))
    assert_titled(root, "Gradients")
    assert len(find(root, "rect", "bar")) == 3
    assert {"layer 1", "layer 2", "output", "1e-5", "0.1"} <= set(texts(root))
    root = parse(bar_chart([1.0, -2.0]))
    assert len(find(root, "rect", "bar")) == 2
    with pytest.raises(ValueError, match="logy"):
        bar_chart([1.0, 0.0], logy=True)


# === Network diagram ===

def test_network_diagram_small():
    W1 = [[0.5, -1.0], [2.0, 0.1], [-0.3, 0.3]]   # (3, 2)
    W2 = [[1.0, -1.0, 0.5]]                       # (1, 3)
    root = parse(network_diagram([W1, W2], biases=[[0.1, -0.2, 0.0], [1.0]],
                                 title="2-3-1"))
    assert_titled(root, "2-3-1")
    assert len(find(root, "circle", "neuron")) == 6
    weights = find(root, "line", "weight")
    assert len(weights) == 6 + 3
    colours = {e.get("stroke") for e in weights}
    assert len(colours) == 2                      # positive and negative
    widest = max(weights, key=lambda e: float(e.get("stroke-width")))
    assert widest.get("stroke") == "#0072B2"      # w = 2.0 is blue
    labels = texts(root)
    assert {"2 units", "3 units", "1 unit", "input", "hidden 1",
            "output", "positive weight", "negative weight"} <= set(labels)


def test_network_diagram_compresses_big_layers():
    W1 = [[0.01 * (i - j) for i in range(256)] for j in range(30)]
    W2 = [[0.1] * 30 for _ in range(10)]
    root = parse(network_diagram([W1, W2], layer_names=["pixels", "h", "digit"]))
    assert len(find(root, "circle", "neuron")) == 6 + 6 + 10   # 4 + ⋮ + 2
    assert len(find(root, "text", "ellipsis")) == 2
    assert len(find(root, "line", "weight")) == 6 * 6 + 6 * 10
    assert {"256 units", "30 units", "10 units", "pixels"} <= set(texts(root))


def test_network_diagram_checks_shapes():
    with pytest.raises(ValueError, match=r"weights\[1\] should have shape"):
        network_diagram([[[1.0, 2.0]], [[1.0, 2.0]]])   # (1,2) then (1,2)
    with pytest.raises(ValueError, match="biases"):
        network_diagram([[[1.0]]], biases=[[1.0, 2.0]])
    with pytest.raises(ValueError, match="layer names"):
        network_diagram([[[1.0]]], layer_names=["only one"])


# === Decision boundary ===

def test_decision_boundary_with_labels():
    X = [[-1.0, -1.0], [-0.5, 0.2], [1.0, 0.5], [0.8, -0.3]]
    y = [0, 0, 1, 1]
    calls = []

    def predict(points):
        calls.append(len(points))
        return [int(p[0] > 0) for p in points]

    root = parse(decision_boundary(predict, X, y, title="Boundary",
                                   resolution=20))
    assert calls == [400]                         # one call for the grid
    assert_titled(root, "Boundary")
    assert len(find(root, "circle", "point")) == 4
    regions = find(root, "g", "regions")[0]
    assert 20 <= len(list(regions)) <= 400        # rows merged into runs
    assert {"class 0", "class 1", "x1", "x2"} <= set(texts(root))


@pytest.mark.parametrize("predict", [
    lambda P: [1 / (1 + math.exp(-p[0])) for p in P],                # p(1)
    lambda P: [[0.2, 0.3, 0.5] if p[0] > 0 else [0.6, 0.3, 0.1] for p in P],
])
def test_decision_boundary_with_probabilities(predict):
    X = [[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]]
    root = parse(decision_boundary(predict, X, [0, 1, 2], resolution=10))
    assert len(find(root, "circle", "point")) == 3
    assert len(find(root, "text", "legend")) == 3


def test_decision_boundary_errors():
    with pytest.raises(ValueError, match="3 points but y has 2"):
        decision_boundary(lambda P: [0] * len(P), [[0, 0]] * 3, [0, 1])
    with pytest.raises(ValueError, match="returned"):
        decision_boundary(lambda P: [0], [[0, 0], [1, 1]], [0, 1])


# === Images ===

def test_image_grid():
    images = [[float((i + k) % 2) for i in range(16)] for k in range(5)]
    captions = ["true %d / predicted %d" % (k, k) for k in range(5)]
    root = parse(image_grid(images, shape=(4, 4), labels=captions,
                            title="Digits", columns=3))
    assert_titled(root, "Digits")
    assert len(find(root, "g", "tile")) == 5
    assert [e.text for e in find(root, "text", "caption")] == captions
    assert int(root.get("height")) > 2 * 4 * 4    # two rows of tiles


def test_image_grid_accepts_rows_and_checks_sizes():
    root = parse(image_grid([[[0, 1], [1, 0]]], shape=(2, 2), scale="shared"))
    assert len(find(root, "g", "tile")) == 1
    with pytest.raises(ValueError, match="needs 4"):
        image_grid([[0, 1, 1]], shape=(2, 2))
    with pytest.raises(ValueError, match="labels"):
        image_grid([[0, 1, 1, 0]], shape=(2, 2), labels=["a", "b"])


def test_confusion_matrix_chart():
    matrix = [[5, 1, 0], [0, 6, 2], [1, 0, 7]]
    root = parse(confusion_matrix_chart(matrix, labels=["a", "b", "c"],
                                        title="Confusion"))
    assert_titled(root, "Confusion")
    assert len(find(root, "rect", "cell")) == 9
    assert {"7", "a", "c", "predicted class", "true class"} <= set(texts(root))
    with pytest.raises(ValueError, match="square"):
        confusion_matrix_chart([[1, 2]])


def test_public_names_exist():
    for name in pictures.__all__:
        assert hasattr(pictures, name), name
