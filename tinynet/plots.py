"""Pictures of tinynet objects: a network, its training history, its mistakes.

``tinynet.pictures`` draws plain lists; this module hands it what a trained
``Network`` or ``History`` holds. In Jupyter a network and a history show
themselves as pictures (``_repr_svg_``).
"""

from . import pictures

__all__ = ["history_chart", "network_chart", "misclassified_chart", "first_layer_chart",
           "confusion_matrix", "confusion_chart", "filters_chart", "feature_maps_chart"]


def history_chart(history, title="Training"):
    """Loss (and accuracy / RMSE) per epoch, training against validation."""
    series = {}
    for key in history.keys():
        label = key.replace("val_", "validation ") if key.startswith("val_") else "training " + key
        series[label] = history[key]
    return pictures.line_chart(series, title=title, xlabel="epoch", ylabel="loss / metric")


def network_chart(net, title="Network"):
    """The network drawn with its weights (blue positive, red negative).

    A convolutional network is drawn from its Dense layers on: the flattened
    feature maps are their input (``filters_chart`` draws the filters).
    """
    layers = net.dense_layers
    weights, biases = zip(*[layer.get_weights() for layer in layers])
    first = "input" if layers[0] is net.layers[0] else "features"
    names = ["{} ({})".format(first, layers[0].n_in)] + [
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


def filters_chart(layer, title=None):
    """A Conv2D layer's filters, one k×k tile per (filter, input channel): the shared weights."""
    tiles, labels = [], []
    for j, channels in enumerate(layer.filters()):
        for c, tile in enumerate(channels):
            tiles.append(tile)
            labels.append("map {}".format(j + 1) if layer.in_channels == 1 else "{}·{}".format(j + 1, c + 1))
    k = layer.kernel_size
    return pictures.image_grid(tiles, shape=(k, k), labels=labels, scale="each",
                               columns=min(8, len(tiles)) if layer.in_channels == 1 else layer.in_channels,
                               pixel=max(4, 48 // k),
                               title=title or "{} filters of {}×{}: each slides over the whole image".format(
                                   layer.out_channels, k, k))


def feature_maps_chart(net, X, layer, title=None):
    """For each sample of X: the image, then the feature maps ``layer`` computes from it."""
    net.predict(X)                                  # every layer keeps its a
    channels, height, width = layer.out_shape
    in_channels, in_height, in_width = net.layers[0].in_shape
    images, labels = [], []
    for row, a in zip(X, net.backend.to_list(layer.a)):
        images.append(_resample(row[:in_height * in_width], (in_height, in_width), (height, width)))
        labels.append("input")
        for c, image in enumerate(layer.maps(a)):
            images.append(image)
            labels.append("map {}".format(c + 1))
    return pictures.image_grid(images, shape=(height, width), labels=labels, columns=channels + 1,
                               scale="each", pixel=max(3, 64 // max(height, width)),
                               title=title or "Feature maps of {}".format(layer.name))


def _resample(image, shape, to):
    """The nearest pixel of an image of ``shape`` at each pixel of an image of shape ``to``."""
    (h, w), (th, tw) = shape, to
    return [image[(y * h // th) * w + x * w // tw] for y in range(th) for x in range(tw)]
