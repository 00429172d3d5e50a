from apps.risk.clauses import PREAMBLE, split_clauses, split_sentences


def numbers(text):
    return [c.number for c in split_clauses(text)]


def test_splits_numbered_clauses_and_keeps_the_title_as_preamble():
    text = "ДОГОВОР-ОФЕРТА\n\n1. ОБЩИЕ ПОЛОЖЕНИЯ\n1.1. Текст.\n3.2. Еще текст.\n"
    assert numbers(text) == [PREAMBLE, "1", "1.1", "3.2"]


def test_recognises_clause_words_in_russian_and_english():
    text = (
        "п. 3.2 Оператор вправе.\nSection 7.1 The Provider may.\nClause 9 Governing law.\nСтатья 5 Сроки.\n"
    )
    assert numbers(text) == ["п. 3.2", "Section 7.1", "Clause 9", "Статья 5"]


def test_a_bare_number_at_a_line_start_is_not_a_clause():
    text = "4.1. Минимальный платеж составляет\n5 000 рублей в месяц.\n4.2. Далее."
    assert numbers(text) == ["4.1", "4.2"]


def test_clause_spans_cover_the_text_between_numbers():
    text = "1.1. Первый пункт.\n1.2. Второй пункт."
    first, second = split_clauses(text)
    assert text[first.start : first.end] == "1.1. Первый пункт.\n"
    assert text[first.body_start : first.end].strip() == "Первый пункт."
    assert text[second.start : second.end] == "1.2. Второй пункт."


def test_sentences_do_not_break_after_abbreviations():
    text = "Споры рассматриваются в Арбитражном суде г. Москвы по ст. 35 АПК РФ. Второе предложение."
    spans = split_sentences(text, 0, len(text))
    assert [text[s.start : s.end] for s in spans] == [
        "Споры рассматриваются в Арбитражном суде г. Москвы по ст. 35 АПК РФ.",
        "Второе предложение.",
    ]
