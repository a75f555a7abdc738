from datetime import UTC, date, datetime

from warehouse.chile_time import chile_today


def test_the_chilean_day_is_the_day_in_santiago() -> None:
    # 02:30 UTC on 8 December is still the 7th in Chile (UTC-3 in summer).
    assert chile_today(datetime(2026, 12, 8, 2, 30, tzinfo=UTC)) == date(2026, 12, 7)
    assert chile_today(datetime(2026, 12, 8, 3, 30, tzinfo=UTC)) == date(2026, 12, 8)
