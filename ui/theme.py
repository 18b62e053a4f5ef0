"""Look and feel: Fusion with a light or dark palette that follows the OS, icons, QSS.

Fusion is used everywhere so the application looks the same on every platform and both
palettes are under our control (native styles ignore parts of a custom palette). The icons
are single-colour SVGs recoloured with the palette's text colour, so they stay visible in
both schemes. Presentation mode adds a high-contrast stylesheet and larger type on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from string import Template

import shiboken6
from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QHeaderView, QMainWindow, QWidget

APP_ICON = "releasedesk"
ICON_SIZES = (16, 20, 24, 32, 48, 64)
_MONO_COLOUR = "#000000"
"""The colour the single-colour icons are drawn in; replaced by the palette's text colour."""

Role = QPalette.ColorRole
Group = QPalette.ColorGroup


def mixed(base: QColor, colour: QColor | str, share: float) -> QColor:
    """`colour` laid over `base` at `share` opacity, as one opaque colour."""
    top = QColor(colour)
    return QColor.fromRgbF(
        base.redF() + (top.redF() - base.redF()) * share,
        base.greenF() + (top.greenF() - base.greenF()) * share,
        base.blueF() + (top.blueF() - base.blueF()) * share,
    )


def tinted(colour: QColor | str, alpha: float) -> QColor:
    result = QColor(colour)
    result.setAlphaF(alpha)
    return result


def palette_kind(palette: QPalette) -> tuple[QColor, QColor, bool, bool]:
    """(base, text, dark, high contrast) of a palette: what every painted screen derives its
    colours from. High contrast is presentation mode's near-black on near-white inverse."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    high = base.lightness() < 16 and text.lightness() > 240
    return base, text, base.lightnessF() < 0.5, high


def resource_text(folder: str, name: str) -> str:
    return resources.files("resources").joinpath(folder, name).read_text(encoding="utf-8")


def is_dark(app: QGuiApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication) -> None:
    """Fusion with the palette of the OS colour scheme, re-applied when the OS switches."""
    app.setStyle("Fusion")
    apply_palette(app)
    if not app.property("releasedesk_follows_scheme"):
        app.setProperty("releasedesk_follows_scheme", True)
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_palette(app))


def apply_palette(app: QApplication) -> None:
    app.setPalette(dark_palette() if is_dark(app) else light_palette())


def light_palette() -> QPalette:
    return _palette(
        window="#f3f4f6",
        text="#1b1f24",
        base="#ffffff",
        alternate="#f6f8fa",
        button="#eceef1",
        highlight="#2f6fce",
        highlighted_text="#ffffff",
        link="#1f5fbf",
        disabled="#8a9099",
        mid="#c4c8ce",
    )


def dark_palette() -> QPalette:
    return _palette(
        window="#1f2329",
        text="#e6e8eb",
        base="#16191d",
        alternate="#1c2025",
        button="#2a2f36",
        highlight="#3d7fe0",
        highlighted_text="#ffffff",
        link="#7fb0ff",
        disabled="#7a818b",
        mid="#4a515b",
    )


def _palette(**c: str) -> QPalette:
    p = QPalette()
    pairs = {
        Role.Window: c["window"],
        Role.WindowText: c["text"],
        Role.Base: c["base"],
        Role.AlternateBase: c["alternate"],
        Role.Text: c["text"],
        Role.Button: c["button"],
        Role.ButtonText: c["text"],
        Role.BrightText: "#ff4d4d",
        Role.Highlight: c["highlight"],
        Role.HighlightedText: c["highlighted_text"],
        Role.Link: c["link"],
        Role.LinkVisited: c["link"],
        Role.ToolTipBase: c["base"],
        Role.ToolTipText: c["text"],
        Role.PlaceholderText: c["disabled"],
        Role.Mid: c["mid"],
        Role.Midlight: c["button"],
        Role.Light: c["base"],
        Role.Dark: c["mid"],
        Role.Shadow: "#000000",
    }
    for role, colour in pairs.items():
        p.setColor(role, QColor(colour))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(Group.Disabled, role, QColor(c["disabled"]))
    p.setColor(Group.Disabled, Role.Highlight, QColor(c["mid"]))
    return p


@cache
def _svg(name: str) -> str:
    return resource_text("icons", f"{name}.svg")


def icon(name: str, colour: QColor | None = None) -> QIcon:
    """An icon from resources/icons, drawn at every size for crisp high-DPI rendering.

    Single-colour icons (drawn in black) take `colour`; the app icon keeps its own colours.
    """
    svg = _svg(name)
    if colour is not None:
        svg = svg.replace(_MONO_COLOUR, colour.name())
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    result = QIcon()
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        result.addPixmap(QPixmap.fromImage(image))
    return result


def app_icon() -> QIcon:
    return icon(APP_ICON)


def shell_stylesheet() -> str:
    return resource_text("themes", "shell.qss")


def presentation_stylesheet(font: QFont) -> str:
    size = f"{font.pointSizeF():.1f}pt"
    return Template(resource_text("themes", "presentation.qss")).substitute(font_size=size)


def presentation_font(base: QFont, scale: float) -> QFont:
    """The base font scaled for a shared screen (point size, so it follows the DPI)."""
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * scale)
    return font


class PresentationMode:
    """Full screen, larger high-contrast type and no chrome, for a shared screen.

    Remembers the normal geometry on entry, so leaving (or closing the window while
    presenting) gets the window back exactly where it was. Table columns were sized for
    the normal type; they widen with it and get their widths back on leaving.
    """

    def __init__(self, window: QMainWindow, chrome: Sequence[QWidget]) -> None:
        self.window = window
        self.chrome = list(chrome)
        self.active = False
        self._normal_geometry = QByteArray()
        self._column_widths: list[tuple[QHeaderView, list[int]]] = []

    def normal_geometry(self) -> QByteArray:
        return self._normal_geometry if self.active else self.window.saveGeometry()

    def enter(self, scale: float, *, full_screen: bool = True) -> None:
        if self.active:
            return
        self._normal_geometry = self.window.saveGeometry()
        self.active = True
        font = presentation_font(QApplication.font(), scale)
        self.window.setFont(font)
        self.window.setStyleSheet(presentation_stylesheet(font))
        for widget in self.chrome:
            widget.hide()
        self._widen_columns(scale)
        if full_screen:
            self.window.showFullScreen()

    def leave(self) -> None:
        if not self.active:
            return
        self.active = False
        self.window.setStyleSheet("")
        self.window.setFont(QFont())
        for widget in self.chrome:
            widget.show()
        self._restore_columns()
        if self.window.isFullScreen():
            self.window.showNormal()
            self.window.restoreGeometry(self._normal_geometry)

    def _widen_columns(self, scale: float) -> None:
        self._column_widths = []
        for header in self.window.findChildren(QHeaderView):
            if header.orientation() != Qt.Orientation.Horizontal:
                continue
            widths = [header.sectionSize(i) for i in range(header.count())]
            self._column_widths.append((header, widths))
            for i, width in enumerate(widths):
                if header.sectionResizeMode(i) in _SIZED:
                    header.resizeSection(i, round(width * scale))

    def _restore_columns(self) -> None:
        for header, widths in self._column_widths:
            if not shiboken6.isValid(header):  # the view was replaced meanwhile
                continue
            for i, width in enumerate(widths[: header.count()]):
                if header.sectionResizeMode(i) in _SIZED:
                    header.resizeSection(i, width)
        self._column_widths = []


_SIZED = (QHeaderView.ResizeMode.Interactive, QHeaderView.ResizeMode.Fixed)
