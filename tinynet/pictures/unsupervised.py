"""Pictures of learning without labels: filters, reconstructions, fantasies, curves.

Plain lists in, an ``Svg`` out, like every picture here:

=============================  ===============================================
``filter_tiles``               each code/hidden unit's weights as an image
``reconstruction_grid``        inputs above their reconstructions, in pairs
``samples_grid``               Gibbs samples (fantasies) drawn as images
``monitor_chart``              reconstruction error and free energy per epoch
=============================  ===============================================

>>> pic = reconstruction_grid([[0, 1, 1, 0]], [[0.1, 0.8, 0.9, 0.2]], shape=(2, 2))
>>> str(pic).count('class="tile"')
2
"""

from .charts import line_chart
from .images import image_grid

__all__ = ["filter_tiles", "reconstruction_grid", "samples_grid", "monitor_chart"]


def filter_tiles(W, shape=(16, 16), limit=64, title="First-layer filters: what each unit looks for",
                 columns=8):
    """Rows of W (n_units, n_inputs), the first ``limit``, each as an image
    stretched to its own range (dark: a large positive weight)."""
    rows = [list(row) for row in W[:limit]]
    return image_grid(rows, shape=shape, labels=["unit {}".format(j + 1) for j in range(len(rows))],
                      title=title, columns=columns, scale="each")


def reconstruction_grid(inputs, reconstructions, shape=(16, 16), limit=20,
                        title="Inputs (odd rows) and their reconstructions (even rows)", columns=10):
    """The first ``limit`` inputs, each row of them followed by their reconstructions."""
    if len(inputs) != len(reconstructions):
        raise ValueError("reconstruction_grid: {} inputs but {} reconstructions".format(
            len(inputs), len(reconstructions)))
    inputs, reconstructions = inputs[:limit], reconstructions[:limit]
    images, labels = [], []
    for start in range(0, len(inputs), columns):
        images += inputs[start:start + columns] + reconstructions[start:start + columns]
        count = len(inputs[start:start + columns])
        labels += ["input"] * count + ["output"] * count
    return image_grid(images, shape=shape, labels=labels, title=title,
                      columns=min(columns, len(inputs)), scale="shared")


def samples_grid(samples, shape=(16, 16), title="Gibbs samples (fantasies) of the model", columns=10):
    """Samples p(v|h) from the model, drawn with one shared grey scale."""
    return image_grid(samples, shape=shape, title=title, columns=columns, scale="shared")


def monitor_chart(metrics, title="Monitoring an RBM", keys=None):
    """Curves per epoch from ``{name: [value per epoch]}`` (an RBM's history.metrics);
    ``keys`` picks some of them (e.g. the two free energies, which share a scale)."""
    keys = list(metrics) if keys is None else keys
    labels = {"reconstruction_error": "reconstruction error (training)",
              "free_energy": "free energy (training data)",
              "val_free_energy": "free energy (held-out data)"}
    series = {labels.get(key, key): metrics[key] for key in keys}
    return line_chart(series, title=title, xlabel="epoch", ylabel="per sample")
