"""The shortcuts that make big files fast give exactly what the full checks give: the same
numbers, lines, reasons and stored order (architecture.md: deliveries sorted by month, service)."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pytest

from loaders import arrow_numbers, csv_reader, resolve_cells, row_order, validate
from loaders.csv_reader import read_csv
from loaders.headers import detect_kind
from loaders.ingest import ingest_file, ingest_files
from loaders.row_order import keys_distinct, sort_order
from loaders.source_table import LINE, RejectedFile
from tests.support.loader_files import FILES, write
from warehouse.db import connect

T1 = dt.datetime(2030, 1, 10, 12, 0)  # after the catalogue, loaded now
T2 = dt.datetime(2030, 2, 10, 12, 0)
HEADER = "servicio,producto,territorio,mes,beneficiarios,unidades,gasto_corriente\n"


@pytest.fixture
def catalogue(con):
    results = ingest_files(con, [FILES / "instituciones.csv", FILES / "productos.csv"])
    assert [r.status for r in results] == ["loaded", "loaded"]
    return con


def stored_in_insertion_order(con) -> list[tuple]:
    return con.execute(
        "SELECT mes, servicio, territorio, beneficiarios FROM entregas ORDER BY rowid"
    ).fetchall()


def _unsorted_rows() -> str:
    """JUNAEB before FONASA and March before January, as a ministry might send them."""
    rows = []
    for month in ("2024-03", "2024-01", "2024-02"):
        for service, product in (
            ("JUNAEB", "Alimentación escolar"),
            ("FONASA", "Atención primaria"),
        ):
            for comuna in ("5101", "13101", "8101"):
                rows.append(f"{service},{product},{comuna},{month},{len(rows)},,\n")
    return "".join(rows)


def _assert_sorted_by_month_and_service(rows: list[tuple]) -> None:
    keys = [(mes, servicio) for mes, servicio, *_ in rows]
    assert keys == sorted(keys)


def test_deliveries_are_stored_sorted_by_month_and_service(catalogue, tmp_path) -> None:
    result = ingest_file(catalogue, write(tmp_path / "e.csv", HEADER + _unsorted_rows()))
    assert (result.status, result.rows_loaded) == ("loaded", 18)
    rows = stored_in_insertion_order(catalogue)
    _assert_sorted_by_month_and_service(rows)
    assert rows[0][:2] == (dt.date(2024, 1, 1), "Fondo Nacional de Salud")


def test_sorted_also_with_bad_rows_repeats_and_replacements(catalogue, tmp_path) -> None:
    """The paths where staging cannot hand rows over in order (conflicting keys, unchanged rows
    to skip) sort in the database instead."""
    text = HEADER + _unsorted_rows()
    text += "FONASA,Atención primaria,5101,2024-01,-1,,\n"  # bad row
    text += "FONASA,Atención primaria,05101,01/2024,999,,\n"  # same key as a good row
    result = ingest_file(catalogue, write(tmp_path / "e.csv", text), loaded_at=T1)
    assert (result.rows_loaded, result.rows_quarantined) == (17, 3)
    _assert_sorted_by_month_and_service(stored_in_insertion_order(catalogue))
    changed = HEADER + _unsorted_rows().replace(",0,,", ",1000,,")  # one value changes
    second = ingest_file(catalogue, write(tmp_path / "e2.csv", changed), loaded_at=T2)
    assert (second.rows_new, second.rows_replaced, second.rows_unchanged) == (1, 1, 16)
    current = catalogue.execute(
        "SELECT mes, servicio FROM entregas WHERE ingestion_id = (SELECT max(id) FROM ingestas)"
        " ORDER BY rowid"
    ).fetchall()
    assert current == sorted(current)


@pytest.mark.parametrize(
    ("dialect", "cell", "stored", "reason"),
    [
        (",", "12", 12, None),
        (",", " 12 ", 12, None),
        (",", "12\u00a0", 12, None),
        (",", "$ 1 234", 1234, None),
        (",", "1e3", 1000, None),
        (",", "+5", 5, None),
        (",", "1.5", None, "número entero"),
        (",", "inf", None, "No es un número"),
        (",", "", None, "Falta el valor obligatorio"),
        (";", "84.257", 84257, None),
        (";", "1.234.567", 1234567, None),
        (";", "-1.234", None, "no puede ser negativa"),
        (";", "1.5", None, "número entero"),
        (";", "1,0", 1, None),
        (";", "$1.234", 1234, None),
        (";", "1 234", 1234, None),
        (";", "1.2345", None, "número entero"),
        (";", "1..234", None, "No es un número"),
    ],
)  # fmt: skip
def test_numbers_read_the_same_by_the_fast_and_the_full_parser(
    catalogue, tmp_path, dialect, cell, stored, reason
) -> None:
    row = ["FONASA", "Atención primaria", "5101", "2024-01", cell, "", ""]
    path = write(tmp_path / "e.csv", HEADER.replace(",", dialect) + dialect.join(row) + "\n")
    result = ingest_file(catalogue, path)
    if reason is None:
        assert result.status == "loaded", result.errors
        assert catalogue.execute("SELECT beneficiarios FROM entregas").fetchall() == [(stored,)]
    else:
        assert result.status == "partial"
        assert reason in result.errors[0]["reason"]


# Per column, cells Arrow reads as numbers (the column is read before SQL) and, in the last
# column, one cell it cannot (the whole column goes to SQL): both paths in one file.
NUMBER_COLUMNS = {
    ",": [
        ["12", "0", "-3", "1.5", "1e3", "+5", "inf", "nan", "", "007", "12"],  # beneficiarios
        ["", "", "4", "", "2.5", "", "", "-1", "", "", "9"],  # unidades
        ["10.5", "0", "-2", "1e400", "", ".5", "5.", "3", "2", "1", "1 000"],  # gasto_corriente
    ],
    ";": [
        ["12", "0", "-3", "84", "1e3", "+5", "inf", "nan", "", "007", "12"],
        ["", "", "4", "", "2", "", "", "-1", "", "", "9"],
        ["10", "0", "-2", "1", "", "5", "7", "3", "2", "1", "1.234,5"],
    ],
}


def _loaded_and_quarantined(con, path) -> tuple[list[tuple], list[tuple]]:
    result = ingest_file(con, path)
    assert result.status == "partial"
    rows = con.execute(
        "SELECT territorio, beneficiarios, unidades, gasto_corriente FROM entregas ORDER BY 1"
    ).fetchall()
    quarantine = con.execute(
        "SELECT linea, columna, valor, motivo FROM cuarentena ORDER BY ALL"
    ).fetchall()
    return rows, quarantine


@pytest.mark.parametrize("block", [csv_reader.BLOCK_BYTES, 150])  # one block, or a row or two each
@pytest.mark.parametrize("dialect", [",", ";"])
def test_numbers_read_by_arrow_give_what_sql_gives(
    template_db, tmp_path, monkeypatch, dialect, block
) -> None:
    """The same loaded values and the same quarantine (line, column, value, reason) whether
    Arrow reads the numbers first (arrow_numbers.read_numbers, block by block) or SQL reads every
    cell."""
    monkeypatch.setattr(csv_reader, "BLOCK_BYTES", block)
    comunas = ["5101", "5102", "5103", "5104", "5105", "5107", "5109", "5401", "5402", "5403",
               "5404"]  # fmt: skip
    rows = zip(comunas, *NUMBER_COLUMNS[dialect], strict=True)
    # Months alternate, so that the rows are stored in another order than they are read.
    text = HEADER.replace(",", dialect) + "".join(
        dialect.join(["FONASA", "Atención primaria", comuna, f"2024-0{2 - i % 2}", *cells]) + "\n"
        for i, (comuna, *cells) in enumerate(rows)
    )
    path = write(tmp_path / "e.csv", text)
    source = read_csv(path)
    assert (source.table.column("beneficiarios").num_chunks > 1) == (block == 150)
    plans = validate.column_plans(detect_kind(source.headers, "entregas"))
    _, read = arrow_numbers.read_numbers(source.table, plans, source.decimal_comma)
    # beneficiarios, unidades, gasto_corriente (one unreadable cell), gasto_inversion (absent)
    assert [p.preparsed for p in read if p.numeric] == [True, True, False, False]

    as_numbers, moved = arrow_numbers._as_numbers, []

    def spied(cells, comma, places=None):
        moved.append(places is not None and places.tolist() != sorted(places.tolist()))
        return as_numbers(cells, comma, places)

    monkeypatch.setattr(arrow_numbers, "_as_numbers", spied)
    results = []
    for arrow in (True, False):
        if not arrow:
            monkeypatch.setattr(validate, "read_numbers", lambda _t, plans, *_: ({}, plans))
        copy = tmp_path / f"{arrow}.duckdb"
        shutil.copyfile(template_db, copy)
        con = connect(copy)
        try:
            ingest_files(con, [FILES / "instituciones.csv", FILES / "productos.csv"])
            results.append(_loaded_and_quarantined(con, path))
        finally:
            con.close()
    assert results[0] == results[1] and moved and all(moved)  # numbers written out of order
    loaded, quarantine = results[0]
    assert loaded and quarantine  # both kinds of row are in the file


def test_optional_amount_empty_or_grouped_in_chilean_files(catalogue, tmp_path) -> None:
    text = (
        HEADER.replace(",", ";")
        + "FONASA;Atención primaria;5101;2024-01;1;;1.234.567,5\n"
        + "FONASA;Atención primaria;5102;2024-01;1;;\n"
    )
    assert ingest_file(catalogue, write(tmp_path / "e.csv", text)).status == "loaded"
    amounts = catalogue.execute("SELECT gasto_corriente FROM entregas ORDER BY territorio")
    assert amounts.fetchall() == [(1234567.5,), (None,)]


def test_a_quoted_line_break_on_a_block_boundary_reads_the_same(tmp_path, monkeypatch) -> None:
    rows = [f'x{i},"línea {i}\ncontinúa",{i}' for i in range(40)]
    path = write(tmp_path / "t.csv", "a,b,c\n" + "\n".join(rows) + "\n")
    whole = read_csv(path)
    for block in (64, 97, 150, 333):  # small blocks put boundaries inside quoted values
        monkeypatch.setattr(csv_reader, "BLOCK_BYTES", block)
        small = read_csv(path)
        assert small.table.equals(whole.table) and small.problems == whole.problems
    assert whole.table.column("b")[3].as_py() == "línea 3\ncontinúa"
    assert whole.table.column(LINE).to_pylist() == list(range(2, 42))


def test_a_utf8_file_read_from_disk_keeps_its_bom_out_of_the_cells(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfa;b\nx;1\n")
    source = read_csv(path)
    assert source.headers == ["a", "b"] and source.fmt == "csv ';' utf-8 BOM"
    assert source.table.column("a").to_pylist() == ["x"]


def test_windows_1252_past_the_sniffed_head_is_still_found(tmp_path) -> None:
    """The head decodes as UTF-8; a cp1252 byte far down makes the whole file cp1252."""
    rows = [f"x{i},{i}" for i in range(csv_reader.SNIFF_BYTES // 4)]
    path = tmp_path / "t.csv"
    path.write_bytes(("a,b\n" + "\n".join(rows) + "\nAraucanía,1\n").encode("cp1252"))
    source = read_csv(path)
    assert source.fmt == "csv ',' cp1252"
    assert source.table.column("a").to_pylist()[-1] == "Araucanía"


def test_a_file_of_blanks_longer_than_the_head_is_empty(tmp_path) -> None:
    path = write(tmp_path / "t.csv", " \n" * csv_reader.SNIFF_BYTES)
    with pytest.raises(RejectedFile, match="vacío"):
        read_csv(path)


def test_windows_1252_with_and_without_curly_quotes(catalogue, tmp_path) -> None:
    plain = (
        "Servicio;Producto;Territorio;Mes;Beneficiarios\nFONASA;Atención primaria;5101;2024-01;1\n"
    )
    curly = plain.replace("Atención primaria", "“Atención” – primaria")
    for name, text in (("plain.csv", plain), ("curly.csv", curly)):
        path = tmp_path / name
        path.write_bytes(text.encode("cp1252"))
        assert read_csv(path).table.column("Producto").to_pylist() == [text.split(";")[5]]
    result = ingest_file(catalogue, tmp_path / "curly.csv")
    assert result.errors[0]["value"] == "“Atención” – primaria"


def _mapped(values: list[object], indices: list[int]) -> pa.ChunkedArray:
    return pa.chunked_array([pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()),
                                                            pa.array(values))])  # fmt: skip


def test_keys_distinct_compares_resolved_values() -> None:
    """'5101' and '05101' are two cells but one comuna: the key repeats."""
    table = pa.table(
        {
            "v_territorio": _mapped(["05101", "05101", "13101"], [0, 1, 2]),
            "v_mes": _mapped([dt.date(2024, 1, 1)], [0, 0, 0]),
        }
    )
    assert not keys_distinct(table, ("territorio", "mes"))
    assert keys_distinct(table.slice(1), ("territorio", "mes"))
    assert not keys_distinct(table, ("territorio", "codigo"))  # a key column typed in SQL


def test_sort_order_follows_values_with_nulls_last() -> None:
    table = pa.table(
        {
            "o_mes": _mapped([1, 0, None], [0, 1, 2, 1]),
            "o_servicio": _mapped([1, 0], [0, 0, 1, 1]),
        }
    )
    assert sort_order(table, ("mes", "servicio")).tolist() == [3, 1, 0, 2]
    assert sort_order(table, ("mes", "producto")) is None


def _deliveries(months: list[int], services: list[int], places: list[int]) -> pa.Table:
    """Ranked month and service, resolved month, service and comuna (values = their ranks)."""

    def column(values: list[int]) -> pa.ChunkedArray:
        return _mapped(list(range(max(values) + 1)), values)

    return pa.table(
        {
            "o_mes": column(months),
            "o_servicio": column(services),
            "v_mes": column(months),
            "v_servicio": column(services),
            "v_territorio": column(places),
        }
    )


KEY, ORDER = ("servicio", "territorio", "mes"), ("mes", "servicio")


def _order(table: pa.Table) -> row_order.RowOrder:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return row_order.order_rows(table, ORDER, KEY, pool)


def _stored(table: pa.Table, rows: row_order.RowOrder) -> list[tuple[int, int, int]]:
    taken = table if rows.positions is None else table.take(pa.array(rows.positions))
    columns = [taken.column(c).to_pylist() for c in ("v_mes", "v_servicio", "v_territorio")]
    return list(zip(*columns, strict=True))


def test_rows_already_in_order_are_not_moved() -> None:
    table = _deliveries([0, 0, 1, 1], [0, 1, 0, 1], [5, 5, 5, 5])
    rows = _order(table)
    assert rows.positions is None and rows.in_order and rows.keys_distinct()
    assert not _order(_deliveries([0, 0, 1], [1, 1, 0], [5, 5, 5])).keys_distinct()


def test_sorted_runs_are_merged_and_their_keys_checked_in_one_sort() -> None:
    """Two exports one after the other, each in order: one stable sort of one number per row
    gives the stored order and the key check (the other path is never called)."""
    half = row_order.FEW_RUNS * 2
    months = [i // 1000 for i in range(half)]
    places = [i % 1000 for i in range(half)]
    table = _deliveries(months * 2, [1] * half + [0] * half, places * 2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(row_order, "keys_distinct", None)
        patch.setattr(row_order, "sort_order", None)
        rows = _order(table)
        as_read = _stored(table, row_order.RowOrder(None, False, lambda: True))
        assert rows.in_order and rows.keys_distinct()
        assert _stored(table, rows) == sorted(as_read)
        repeated = _deliveries(months * 2, [0] * half * 2, places * 2)
        assert not _order(repeated).keys_distinct()


def test_rows_in_no_order_are_sorted_by_rank_and_checked_apart() -> None:
    shuffled = list(range(4 * row_order.FEW_RUNS))
    random.Random(7).shuffle(shuffled)
    months, services = [i % 7 for i in shuffled], [i % 5 for i in shuffled]
    table = _deliveries(months, services, shuffled)
    rows = _order(table)
    assert rows.positions.tolist() == sort_order(table, ORDER).tolist()
    assert rows.in_order and rows.keys_distinct() == keys_distinct(table, KEY) is True


def test_resent_figures_match_on_keys_with_and_without_nulls(con, tmp_path) -> None:
    """Key columns that cannot be NULL are compared with `=`; the national figure (no region)
    still finds its earlier version."""
    ingest_files(con, [FILES / "instituciones.csv", FILES / "metas_v1.csv"], loaded_at=T1)
    header = "codigo_meta,mes,region,valor_real\n"
    first = write(tmp_path / "a1.csv", header + "M-01,2024-05,,90\nM-01,2024-05,VIII,12\n")
    second = write(tmp_path / "a2.csv", header + "M-01,2024-05,,95\nM-01,2024-05,8,12\n")
    assert ingest_file(con, first, loaded_at=T1).rows_new == 2
    result = ingest_file(con, second, loaded_at=T2)
    assert (result.rows_new, result.rows_replaced, result.rows_unchanged) == (0, 1, 1)
    current = con.execute(
        "SELECT region, valor_real FROM avance_mensual WHERE valid_to IS NULL ORDER BY region"
    ).fetchall()
    assert current == [("08", 12.0), (None, 95.0)]


@pytest.mark.parametrize("limit", [resolve_cells.PAIR_TABLE_LIMIT, 0])  # lookup table, then sorting
def test_pairs_are_numbered_as_distinct_pairs_either_way(monkeypatch, limit) -> None:
    monkeypatch.setattr(resolve_cells, "PAIR_TABLE_LIMIT", limit)
    services, products = [2, 0, 2, 1, 0, 2], [3, 1, 3, 0, 1, 1]
    numbers, pairs = resolve_cells._pair_codes(pa.array(services, pa.int32()),
                                          pa.array(products, pa.int32()), 3, 4)  # fmt: skip
    assert pairs.tolist() == sorted({s * 4 + p for s, p in zip(services, products, strict=True)})
    assert [pairs[n] for n in numbers] == [
        s * 4 + p for s, p in zip(services, products, strict=True)
    ]
