"""The Workloads master list as a lazy, paged table model.

The list can hold 100,000 rows, so the model never holds them all: `rowCount` is one COUNT
query, rows arrive in pages fetched when the view first paints them, and only the most
recently used pages are kept. Sorting and filtering re-query the database (no proxy model
over the whole list), which keeps memory flat however far the user scrolls.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager

from PySide6.QtCore import QModelIndex, QObject, Qt
from sqlalchemy.orm import Session

from app.services import queries
from app.services.queries import WorkloadFilter, WorkloadRow
from ui.models.row_table_model import AnyIndex, Column, ColumnsModel, dash, human
from ui.widgets.risk import risk_icon

Reader = Callable[[], AbstractContextManager[Session]]

PAGE_SIZE = 256
MAX_PAGES = 8
"""Pages kept: a screenful of rows is far below one page, so eight pages cover scrolling back
and forth without re-querying while capping memory at ~2,000 rows."""

COLUMNS = (
    Column("key", "Key", 90),
    Column("title", "Title", 300, tooltip=lambda r: r.title),
    Column("change_class", "Class", 120, text=lambda r: human(r.change_class)),
    Column("team", "Team", 110),
    Column("size", "Size", 50, numeric=True),
    Column("wsjf", "WSJF", 60, numeric=True, text=lambda r: f"{r.wsjf:.2f}"),
    Column(
        "risk_tier",
        "Risk",
        90,
        text=lambda r: human(r.risk_tier),
        icon=lambda r: risk_icon(r.risk_tier),
        tooltip=lambda r: f"Risk tier: {r.risk_tier}",
    ),
    Column("owner", "Owner", 120),
    Column("release", "Release", 110),
    Column("status", "Status", 90, text=lambda r: human(r.status)),
    Column("change_request", "Change request", 110),
    Column("must_ship_by", "Must ship by", 100, text=lambda r: dash(r.must_ship_by)),
)


class WorkloadTableModel(ColumnsModel):
    columns = COLUMNS

    def __init__(
        self,
        read: Reader,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
        load: bool = True,
        parent: QObject | None = None,
    ) -> None:
        """`load=False` leaves the first count to the owner's own refresh (no double query)."""
        super().__init__(parent)
        self._read = read
        self.page_size = page_size
        self.max_pages = max_pages
        self._filter = WorkloadFilter()
        self._sort_key = "key"
        self._descending = False
        self._count = 0
        self._total = 0
        self._pages: OrderedDict[int, list[WorkloadRow]] = OrderedDict()
        self.fetches = 0
        """Pages fetched since creation; lets tests and benchmarks see the cache working."""
        if load:
            self.reload()

    @property
    def filter(self) -> WorkloadFilter:
        return self._filter

    @property
    def total(self) -> int:
        """Workloads in the database regardless of the filter ("12 of 1,523")."""
        return self._total

    @property
    def sort_key(self) -> str:
        return self._sort_key

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def cached_pages(self) -> int:
        return len(self._pages)

    def set_filter(self, flt: WorkloadFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self.reload()

    def reload(self) -> None:
        """Forget every cached page and recount; the rows come back as the view asks for them."""
        self.beginResetModel()
        self._pages.clear()
        with self._read() as session:
            self._count = queries.count_workloads(session, self._filter)
            unfiltered = self._filter == WorkloadFilter()
            self._total = (
                self._count if unfiltered else queries.count_workloads(session, WorkloadFilter())
            )
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key, descending = self.columns[column].key, order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._sort_key, self._descending):
            self._sort_key, self._descending = key, descending
            self.reload()

    def row_at(self, row: int) -> WorkloadRow | None:
        if not 0 <= row < self._count:
            return None
        rows = self._page(row // self.page_size)
        offset = row % self.page_size
        # The database may have lost rows since the count (another user deleted some).
        return rows[offset] if offset < len(rows) else None

    def cached_row_of(self, entity_uuid: str) -> int:
        """Row of a UUID among the pages in memory, or -1; never queries (used to keep the
        selection across a refresh without scanning 100,000 rows)."""
        for number, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.uuid == entity_uuid:
                    return number * self.page_size + i
        return -1

    def _page(self, number: int) -> list[WorkloadRow]:
        rows = self._pages.get(number)
        if rows is not None:
            self._pages.move_to_end(number)
            return rows
        with self._read() as session:
            rows = queries.workload_page(
                session,
                self._filter,
                self._sort_key,
                self._descending,
                offset=number * self.page_size,
                limit=self.page_size,
            )
        self.fetches += 1
        self._pages[number] = rows
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return rows
