"""Baseline: the least a PySide6 program can do to put a painted window on screen.

Same shape of work as `releasedesk gui --screenshot`: start Python, import Qt, show a
1440x900 main window offscreen, let it paint, grab it to a PNG and exit. Whatever the real
window costs beyond this is ReleaseDesk's own start-up.

    python -m tests.bench.bare_window OUT.png
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def main(out: str) -> int:
    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    window.setWindowTitle("Baseline")
    window.setCentralWidget(QLabel("baseline"))
    window.resize(1440, 900)
    window.show()
    app.processEvents()
    saved = window.grab().save(out, "PNG")
    window.close()
    return 0 if saved else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
