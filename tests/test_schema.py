from pathlib import Path

from detente.schema import EVENTS, TABLES, arrow_schema, data_dictionary, ddl, required

ROOT = Path(__file__).resolve().parents[1]


def test_ddl_and_arrow_come_from_the_same_declaration() -> None:
    for t in TABLES.values():
        assert ddl(t).count("\n  ") == len(t.cols)
        assert arrow_schema(t).names == t.names


def test_required_event_columns() -> None:
    assert required(EVENTS) == ["event_id", "date", "cameo_code", "dataset", "file"]


def test_docs_data_md_is_generated() -> None:
    assert (ROOT / "docs" / "data.md").read_text() == data_dictionary() + "\n"
