"""The sample tickets of docs/printing.md: ``ticket-80mm.png`` and ``ticket-58mm.png``.

    python -m tools.screenshots.tickets OUT_DIR

The real layout code draws a ticket of the built-in commune site at both paper
widths, exactly the image a printer would receive (mode "1", 576 or 384 dots).
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

from db.values import SiteInfo, TicketInfo
from services.ticket_printing import render_ticket

SITE = SiteInfo(name="UBND xã Quang Kim - Bộ phận Một cửa", name_en="Quang Kim Commune - One-Stop Department",
                timezone="Asia/Ho_Chi_Minh", opening_hours=("07:30-11:30", "13:30-17:00"),
                days=("mon", "tue", "wed", "thu", "fri"), rating_levels=())
# 00:05 UTC is 07:05 in Hanoi: the ticket shows the site's local time.
TICKET = TicketInfo(id=4711, code="A001", number=1, service="TP", service_name="Tư pháp - Hộ tịch",
                    service_name_en="Justice - Civil status", issued_service="TP", status="waiting",
                    priority=False, service_day=date(2025, 1, 2),
                    issued_at=datetime(2025, 1, 2, 0, 5, 12, tzinfo=UTC), ahead=3, estimated_wait_s=900)


def render(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    for width_mm in (80, 58):
        saved.append(out_dir / f"ticket-{width_mm}mm.png")
        render_ticket(TICKET, SITE, counters=(1, 2), width_mm=width_mm).save(saved[-1])
    return saved


if __name__ == "__main__":
    for path in render(Path(sys.argv[1])):
        print(path)
