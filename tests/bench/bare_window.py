"""Baseline: the least a PySide6 program can do to put a painted window on screen.

Same shape of work as `releasedesk gui --screenshot`: start Python, import Qt, show a
1440x900 main window offscreen, let it paint, grab it to a PNG and exit. It prints
`first-paint` on stdout once its window has painted, detected the same way as in
ReleaseDesk (`ui.workers.FirstPaintMark`: an event filter on the window, the line written
by a zero timer once the paint pass is over), so both are timed to the same moment.
Whatever the real window costs beyond this is ReleaseDesk's own start-up.

    python -m tests.bench.bare_window OUT.png
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

LINE = "first-paint"
TIMEOUT_MS = 30_000


class FirstPaint(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.done = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Paint, QEvent.Type.UpdateRequest):
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._emit)
        return False

    def _emit(self) -> None:
        self.done = True
        sys.stdout.write(LINE + "\n")
        sys.stdout.flush()


def main(out: str) -> int:
    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    window.setWindowTitle("Baseline")
    window.setCentralWidget(QLabel("baseline"))
    window.resize(1440, 900)
    painted = FirstPaint(window)
    alarm = QTimer()  # wakes the wait below if the window never paints
    alarm.setSingleShot(True)
    alarm.start(TIMEOUT_MS)
    window.show()
    while not painted.done and alarm.isActive():
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    saved = window.grab().save(out, "PNG")
    window.close()
    return 0 if saved and painted.done else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
