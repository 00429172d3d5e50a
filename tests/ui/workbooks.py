"""Small inventory workbooks for the upload page tests (unit and browser)."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def write_workbook(path: Path, *, bad_timezone: bool = False) -> Path:
    """Two cities and three salons; with bad_timezone the second city's zone is not a zone."""
    book = openpyxl.Workbook()
    cities = book.active
    cities.title = "cities"
    cities.append(["name", "timezone", "area_code"])
    cities.append(["Тольятти", "Europe/Samara", "8482"])
    cities.append(["Сочи", "Mars/Olympus" if bad_timezone else "Europe/Moscow", "862"])
    departments = book.create_sheet("departments")
    departments.append(["code", "name", "city", "kind", "address"])
    departments.append(["TLT-01", "Салон на Юбилейной", "Тольятти", "salon", "ул. Юбилейная, 40"])
    departments.append(["TLT-02", "Салон в Автограде", "Тольятти", "salon", "Автозаводское ш., 6"])
    departments.append(["SCH-01", "Салон на Навагинской", "Сочи", "salon", "ул. Навагинская, 9"])
    book.save(path)
    return path
