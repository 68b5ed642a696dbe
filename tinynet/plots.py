"""Pictures of tinynet objects: a network, its training history, its mistakes.

``tinynet.pictures`` draws plain lists; this module hands it what a trained
``Network`` or ``History`` holds. In Jupyter a network and a history show
themselves as pictures (``_repr_svg_``).
"""

from . import pictures

__all__ = ["history_chart", "network_chart", "misclassified_chart", "first_layer_chart",
           "confusion_matrix", "confusion_chart"]


def history_chart(history, title="Training"):
    """Loss (and accuracy / RMSE) per epoch, training against validation."""
    series = {}
    for key in history.keys():
        label = key.replace("val_", "validation ") if key.startswith("val_") else "training " + key
        series[label] = history[key]
    return pictures.line_chart(series, title=title, xlabel="epoch", ylabel="loss / metric")


def network_chart(net, title="Network"):
    """The network drawn with its weights (blue positive, red negative)."""
    layers = net.dense_layers
    weights, biases = zip(*[layer.get_weights() for layer in layers])
    names = ["input ({})".format(layers[0].n_in)] + [
        "{} ({})".format(layer.activation, layer.n_out) for layer in layers]
    return pictures.network_diagram(list(weights), list(biases), names, title)


def confusion_matrix(net, X, y):
    """counts[t][p]: how often class t was predicted as class p."""
    n = net.n_out if net.n_out > 1 else 2
    counts = [[0] * n for _ in range(n)]
    for t, p in zip(y, net.predict_classes(X)):
        counts[t][p] += 1
    return counts


def confusion_chart(net, X, y, title="Confusion matrix (test set)"):
    return pictures.confusion_matrix_chart(confusion_matrix(net, X, y), title=title)


def misclassified_chart(net, X, y, shape, limit=40, title=None):
    """The images the network gets wrong, captioned "true t / said p"."""
    predicted = net.predict_classes(X)
    wrong = [(x, t, p) for x, t, p in zip(X, y, predicted) if t != p][:limit]
    if not wrong:
        wrong = [(X[0], y[0], predicted[0])]
    images = [x for x, _, _ in wrong]
    labels = ["{}→{}".format(t, p) for _, t, p in wrong]
    title = title or "Misclassified test digits (true→predicted), first {} of {}".format(
        len(wrong), sum(t != p for t, p in zip(y, predicted)))
    return pictures.image_grid(images, shape=shape, labels=labels, title=title)


def first_layer_chart(net, shape, limit=32, title="First-layer weights: what each hidden unit looks for"):
    """Each hidden unit's weights drawn as an image of the input's shape."""
    W, _ = net.dense_layers[0].get_weights()
    return pictures.image_grid(W[:limit], shape=shape, labels=["unit {}".format(j + 1) for j in range(len(W[:limit]))],
                               title=title, scale="each", columns=8)
