"""A CSV file is read in ONE encoding, or refused naming the first line that is not in it (issue 15): an
objectives file mixing UTF-8 and Windows-1252 lines was stored garbled ("SiÃ¢nâ€™s team")."""

from __future__ import annotations

import pytest

from planner.imports import ImportRefused
from planner.imports.files import decode_text
from planner.imports.objectives import read_objectives

HEADINGS = "ref,title,level\r\n"


def lines(*texts: str) -> list[str]:
    return [HEADINGS] + [f"T{i},{text},team\r\n" for i, text in enumerate(texts, start=1)]


def refusal(data: bytes) -> str:
    with pytest.raises(ImportRefused) as caught:
        decode_text(data)
    return caught.value.message


def test_an_objectives_file_mixing_utf8_and_windows_1252_lines_is_refused_naming_the_first_bad_line() -> None:
    text = lines("Siân’s team", "Plain", "Rhodri’s team", "Plain again")
    data = b"".join(line.encode("cp1252" if i == 3 else "utf-8") for i, line in enumerate(text))
    with pytest.raises(ImportRefused) as caught:
        read_objectives(data, "objectives.csv", existing_refs={}, areas={})
    assert caught.value.message == "Line 4 is not UTF-8 text; save the file as CSV UTF-8 and try again."


def test_the_windows_1252_line_first_is_refused_too() -> None:
    text = lines("Rhodri’s team", "Siân’s team")
    data = b"".join(line.encode("utf-8" if i == 2 else "cp1252") for i, line in enumerate(text))
    assert refusal(data) == "Line 2 is not UTF-8 text; save the file as CSV UTF-8 and try again."


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""),
                                               ("utf-16", b"")])
def test_a_file_in_one_encoding_is_read_whole(encoding: str, bom: bytes) -> None:
    text = "".join(lines("Siân’s team", "Café £5 – “quoted”"))
    assert decode_text(bom + text.encode(encoding)) == text
    result = read_objectives(bom + text.encode(encoding), "objectives.csv", existing_refs={}, areas={})
    assert [row.title for row in result.rows] == ["Siân’s team", "Café £5 – “quoted”"]


def test_a_utf8_file_with_its_mark_and_one_bad_line_is_refused() -> None:
    data = b"\xef\xbb\xbf" + HEADINGS.encode() + b"T1,Caf\xe9,team\r\n"  # the mark says UTF-8; the é is not
    assert refusal(data) == "Line 2 is not UTF-8 text; save the file as CSV UTF-8 and try again."


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused_naming_the_line() -> None:
    data = HEADINGS.encode() + b"T1,Fine,team\r\nT2,Odd \x81 byte,team\r\n"  # 0x81 is unassigned in Windows-1252
    assert refusal(data) == ("Line 3 is neither UTF-8 nor Windows-1252 text; save the file as CSV UTF-8 "
                             "and try again.")


def test_a_damaged_utf16_file_is_refused_naming_the_line() -> None:
    data = ("".join(lines("One", "Two"))).encode("utf-16") + b"\x00\xd8"  # a lone surrogate at the end
    assert refusal(data) == ("Line 4 is not UTF-16 text, though the file says it is; save the file as CSV UTF-8 "
                             "and try again.")


def test_plain_ascii_is_utf8() -> None:
    assert decode_text(b"ref,title\r\nT1,x\r\n") == "ref,title\r\nT1,x\r\n"
