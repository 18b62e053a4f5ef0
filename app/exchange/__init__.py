"""File formats in and out: edge lists, matrices, calendars, workbooks."""
