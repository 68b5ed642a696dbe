"""Pictures of autoencoders and RBMs: well-formed SVG with one tile per image
and the curves asked for."""

import xml.etree.ElementTree as ET

import pytest

from tinynet.pictures import filter_tiles, monitor_chart, reconstruction_grid, samples_grid

NS = "{http://www.w3.org/2000/svg}"


def _root(pic):
    return ET.fromstring(pic.to_string())


def _tiles(root):
    return [e for e in root.iter(NS + "g") if e.get("class") == "tile"]


def _texts(root):
    return ["".join(e.itertext()) for e in root.iter(NS + "text")]


def test_filter_tiles_draws_one_tile_per_unit_up_to_the_limit():
    W = [[(i * j) % 5 - 2.0 for i in range(16)] for j in range(12)]
    root = _root(filter_tiles(W, shape=(4, 4), limit=10))
    assert len(_tiles(root)) == 10
    assert "unit 10" in _texts(root) and "unit 11" not in _texts(root)


def test_reconstruction_grid_pairs_rows_of_inputs_with_their_outputs():
    X = [[float(i % 2)] * 4 for i in range(13)]
    Y = [[0.5] * 4 for _ in range(13)]
    root = _root(reconstruction_grid(X, Y, shape=(2, 2), columns=5))
    captions = [t for t in _texts(root) if t in ("input", "output")]
    assert len(_tiles(root)) == 26
    assert captions[:10] == ["input"] * 5 + ["output"] * 5
    with pytest.raises(ValueError):
        reconstruction_grid(X, Y[:3], shape=(2, 2))


def test_samples_grid_and_monitor_chart():
    assert len(_tiles(_root(samples_grid([[0.0, 1.0, 0.5, 0.2]] * 7, shape=(2, 2))))) == 7
    metrics = {"reconstruction_error": [30.0, 20.0, 15.0], "free_energy": [-5.0, -9.0, -12.0],
               "val_free_energy": [-5.0, -8.5, -10.0]}
    root = _root(monitor_chart(metrics, keys=["free_energy", "val_free_energy"]))
    lines = [e for e in root.iter(NS + "polyline") if e.get("class") == "series"]
    assert len(lines) == 2
    assert "free energy (held-out data)" in _texts(root)
