"""Connect to a shared PostgreSQL database: server, database, login, optional remembered password.

The dialog only collects what to connect to; the window opens it and, once the server has
accepted the login, stores the password in the OS keyring if asked. When this computer has
no usable keyring the "remember" box is disabled and the dialog says why, rather than
failing after the fact.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ui.database_session import DEFAULT_PG_PORT, keyring_problem


@dataclass(frozen=True)
class PostgresLogin:
    host: str
    port: int
    database: str
    user: str
    password: str
    remember: bool

    @property
    def url(self) -> str:
        """The URL without the password: what the recent list shows and stores."""
        url = URL.create(
            "postgresql",
            username=self.user,
            host=self.host,
            port=self.port,
            database=self.database,
        )
        return url.render_as_string(hide_password=False)


def _os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class ConnectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, initial_url: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to PostgreSQL")
        self.setMinimumWidth(440)
        self.host = QLineEdit("localhost", self)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PG_PORT)
        self.database = QLineEdit("releasedesk", self)
        self.user = QLineEdit(_os_login(), self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("leave empty for trust or peer authentication")
        self.remember = QCheckBox("Remember the password in the system keyring", self)
        self.keyring_note = QLabel(self)
        self.keyring_note.setWordWrap(True)
        problem = keyring_problem()
        if problem:
            self.remember.setEnabled(False)
            self.keyring_note.setText(problem)
        self.keyring_note.setVisible(bool(problem))

        form = QFormLayout()
        form.addRow("&Server:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("Pass&word:", self.password)
        form.addRow("", self.remember)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Connect")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.buttons)
        for field in (self.host, self.database, self.user):
            field.textChanged.connect(self._update_ok)
        if initial_url:
            self.prefill(initial_url)
        self._update_ok()

    def prefill(self, text: str) -> None:
        """Fill the fields from a PostgreSQL URL (a recent entry); the password stays empty."""
        try:
            url = make_url(text)
        except ArgumentError:
            return
        if not url.get_backend_name().startswith("postgres"):
            return
        self.host.setText(url.host or "localhost")
        self.port.setValue(url.port or DEFAULT_PG_PORT)
        self.database.setText(url.database or "")
        self.user.setText(url.username or "")
        self.password.setFocus()

    def login(self) -> PostgresLogin:
        return PostgresLogin(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
            password=self.password.text(),
            remember=self.remember.isEnabled() and self.remember.isChecked(),
        )

    def _update_ok(self) -> None:
        filled = all(f.text().strip() for f in (self.host, self.database, self.user))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(filled)
