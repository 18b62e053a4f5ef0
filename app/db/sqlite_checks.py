"""Checks made before a SQLite file is opened, so a bad file is refused before any write."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.db.errors import DatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"
NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "afs", "ncpfs", "9p", "fuse.sshfs", "davfs"}


def check_file(path: Path, *, create: bool) -> None:
    """Raise DatabaseError naming the file when it cannot be used as a ReleaseDesk database."""
    if is_network_path(path):
        raise DatabaseError(
            f"{path}: is on a network share; SQLite locking is unreliable there and data can be "
            "lost. Put the file on a local disk, or share a PostgreSQL database instead."
        )
    if not path.exists():
        if not create:
            raise DatabaseError(f"{path}: no such database file")
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise DatabaseError(f"{path}: cannot create the file, {folder} is not writable")
        return
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file")
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"{path}: cannot read the file (permission denied)")
    if path.stat().st_size > 0:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
        if header != SQLITE_HEADER:
            raise DatabaseError(f"{path}: is not a SQLite database (or is damaged)")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseError(
            f"{path}: is read-only; ReleaseDesk needs to write the file and its folder "
            "(SQLite keeps a journal beside it)"
        )


def is_network_path(path: Path) -> bool:
    if sys.platform == "win32":
        return _windows_remote(path)
    return _mount_fstype(path) in NETWORK_FS


def _mount_fstype(path: Path) -> str:
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return ""
    target = str(path.resolve().parent if not path.is_dir() else path.resolve())
    best, fstype = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > len(best):
            best, fstype = mount_point, parts[2]
    return fstype


def _windows_remote(path: Path) -> bool:  # pragma: no cover - Windows only
    text = str(path.resolve())
    if text.startswith("\\\\"):
        return True
    import ctypes

    drive_remote = 4
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    return bool(kernel32.GetDriveTypeW(text[:3]) == drive_remote)
