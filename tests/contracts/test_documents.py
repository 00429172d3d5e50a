"""Document upload: content sniffing, text extraction, versions, checksums."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.contracts.services import contract_document_add
from apps.core.documents import DocumentRejected, extract_text

from .documents import make_docx, make_pdf
from .factories import ContractFactory

CLAUSE = "Оператор вправе изменять тарифы в одностороннем порядке"
PDF_SAMPLE = make_pdf(CLAUSE)
DOCX_SAMPLE = make_docx(CLAUSE, "Пункт 2")


def test_text_is_extracted_from_a_real_pdf():
    text, kind = extract_text(make_pdf(CLAUSE), "dogovor.pdf")
    assert kind == "pdf"
    assert CLAUSE in " ".join(text.split())


def test_text_is_extracted_from_a_real_docx_with_paragraphs_on_their_own_lines():
    text, kind = extract_text(make_docx("Пункт 1.", CLAUSE), "dogovor.docx")
    assert (kind, text) == ("docx", f"Пункт 1.\n{CLAUSE}")


def test_plain_text_in_windows_1251_is_read_and_line_ends_normalised():
    text, kind = extract_text(f"{CLAUSE}\r\nвторая строка".encode("cp1251"), "dogovor.txt")
    assert (kind, text) == ("txt", f"{CLAUSE}\nвторая строка")


@pytest.mark.parametrize(
    ("data_maker", "filename", "says"),
    [
        (lambda: make_docx(CLAUSE), "contract.pdf", "named as PDF but its content is Word (DOCX)"),
        (lambda: make_pdf(CLAUSE), "contract.docx", "named as Word (DOCX) but its content is PDF"),
        (lambda: make_pdf(CLAUSE), "contract.txt", "named as plain text but its content is PDF"),
        (lambda: b"<html><script>x</script></html>", "contract.pdf", "content is plain text"),
        (lambda: b"MZ\x90\x00\x03\x00\x00\x00", "contract.docx", "content is binary"),
    ],
)
def test_a_file_whose_content_does_not_match_its_extension_is_refused(data_maker, filename, says):
    with pytest.raises(DocumentRejected) as info:
        extract_text(data_maker(), filename)
    assert filename in info.value.messages[0]
    assert says in info.value.messages[0]


def test_a_plain_zip_renamed_to_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DocumentRejected, match="content is ZIP archive"):
        extract_text(buffer.getvalue(), "contract.docx")


def test_other_types_empty_files_and_oversized_files_are_refused(settings):
    with pytest.raises(DocumentRejected, match="only PDF, DOCX and TXT"):
        extract_text(b"hello", "contract.rtf")
    with pytest.raises(DocumentRejected, match="is empty"):
        extract_text(b"", "contract.txt")
    settings.PORTAL_MAX_DOCUMENT_BYTES = 10
    with pytest.raises(DocumentRejected, match="the limit is 10 bytes"):
        extract_text(b"x" * 11, "contract.txt")


def test_a_damaged_pdf_is_refused_with_a_clear_message():
    with pytest.raises(DocumentRejected, match="damaged PDF"):
        extract_text(b"%PDF-1.7\n garbage that is not a pdf", "broken.pdf")


def test_a_docx_that_expands_enormously_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * 30_000_000 + "</w:document>")
    with pytest.raises(DocumentRejected, match="not a plain document"):
        extract_text(buffer.getvalue(), "bomb.docx")


@pytest.mark.django_db
def test_each_upload_is_a_new_version_stored_with_its_text_and_checksum():
    contract = ContractFactory()
    first_bytes, second_bytes = make_docx("Редакция 1", CLAUSE), make_pdf("Редакция 2")
    first = contract_document_add(contract=contract, data=first_bytes, filename="v1.docx")
    second = contract_document_add(
        contract=contract, data=second_bytes, filename="v2.pdf", note="после правок"
    )

    assert (first.version, second.version) == (1, 2)
    assert first.sha256 == hashlib.sha256(first_bytes).hexdigest()
    assert first.size == len(first_bytes) and first.content_type.endswith("wordprocessingml.document")
    assert CLAUSE in first.text
    with second.file.open("rb") as stored:
        assert stored.read() == second_bytes
    assert second.original_name == "v2.pdf" and "v2" not in second.file.name  # stored under its checksum


@pytest.mark.django_db
def test_uploading_the_same_file_twice_to_a_contract_adds_nothing():
    contract = ContractFactory()
    data = make_docx(CLAUSE)
    contract_document_add(contract=contract, data=data, filename="a.docx")
    with pytest.raises(DocumentRejected, match="same file as version 1"):
        contract_document_add(contract=contract, data=data, filename="copy.docx")
    assert contract.documents.count() == 1


@pytest.mark.django_db
def test_a_refused_upload_stores_no_row_and_no_file(settings):
    contract = ContractFactory()
    with pytest.raises(DocumentRejected):
        contract_document_add(contract=contract, data=make_docx(CLAUSE), filename="forged.pdf")
    assert contract.documents.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@settings(max_examples=200, deadline=None)
@given(
    data=st.one_of(
        st.binary(min_size=1, max_size=600),
        st.binary(max_size=600).map(lambda b: b"%PDF-1.7\n" + b),
        st.binary(max_size=600).map(lambda b: b"PK\x03\x04" + b),
    ),
    name=st.sampled_from(["a.pdf", "a.docx", "a.txt", "a.PDF", "a", "a.exe"]),
)
def test_any_bytes_give_text_or_a_clear_refusal_never_a_crash(data, name):
    try:
        text, kind = extract_text(data, name)
    except DocumentRejected as exc:
        assert exc.messages and name in exc.messages[0]
    else:
        assert isinstance(text, str) and kind in ("pdf", "docx", "txt")


@settings(max_examples=25, deadline=None)
@given(cut=st.integers(min_value=10, max_value=2000))
def test_a_truncated_real_pdf_or_docx_is_read_or_refused_clearly(cut):
    for data, name in ((PDF_SAMPLE, "t.pdf"), (DOCX_SAMPLE, "t.docx")):
        try:
            extract_text(data[: len(data) * cut // 2001], name)
        except DocumentRejected as exc:
            assert name in exc.messages[0]
