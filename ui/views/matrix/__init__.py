"""The Dependencies screen (area "matrix"): the design structure matrix and its panels."""

from ui.views.matrix.view import MatrixView

__all__ = ["MatrixView"]
