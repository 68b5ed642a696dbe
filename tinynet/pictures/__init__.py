"""Pictures as SVG, drawn with the standard library only.

Every function takes plain lists (not network objects; ``graph_diagram``
takes a ``tinynet.graph.Value``) and returns an `Svg` picture: ``pic.save("out/loss.svg")`` writes it, and Jupyter shows it inline.

===========================  =============================================
function                     draws
===========================  =============================================
``line_chart``               loss/metric curves, log-log benchmark charts
``bar_chart``                one bar per value, e.g. gradient size per layer
``network_diagram``          neurons and weights of a fully connected net
``decision_boundary``        a 2-D classifier's regions and the data points
``image_grid``               digits or first-layer weights as grey tiles
``confusion_matrix_chart``   true class vs predicted class counts
``graph_diagram``            a ``tinynet.graph`` computational graph
``filter_tiles``, ``reconstruction_grid``, ``samples_grid``, ``monitor_chart``
                             autoencoders and RBMs (``unsupervised``)
===========================  =============================================

The modules: ``svg`` (the `Svg` picture and element helpers), ``axes``
(nice ticks, plot area, legend), and one module per kind of picture.

>>> from tinynet.pictures import line_chart
>>> pic = line_chart({"train": [0.8, 0.4, 0.3]}, title="Loss")
>>> pic.width, pic.height, str(pic).count("<polyline")
(640, 400, 1)
"""

from .boundary import decision_boundary
from .charts import bar_chart, line_chart
from .diagram import network_diagram
from .graph import graph_diagram
from .images import confusion_matrix_chart, image_grid
from .svg import Svg
from .unsupervised import filter_tiles, monitor_chart, reconstruction_grid, samples_grid

__all__ = ["Svg", "line_chart", "bar_chart", "network_diagram",
           "decision_boundary", "image_grid", "confusion_matrix_chart", "graph_diagram",
           "filter_tiles", "reconstruction_grid", "samples_grid", "monitor_chart"]
