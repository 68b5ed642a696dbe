"""Pictures as SVG, drawn with the standard library only.

Every function takes plain lists (not network objects) and returns an `Svg`
picture: ``pic.save("out/loss.svg")`` writes it, and Jupyter shows it inline.

>>> from tinynet.pictures import line_chart
>>> pic = line_chart({"train": [0.8, 0.4, 0.3]}, title="Loss")
>>> pic.width, pic.height, str(pic).count("<polyline")
(640, 400, 1)
"""

from .charts import bar_chart, line_chart
from .svg import Svg

__all__ = ["Svg", "line_chart", "bar_chart"]
