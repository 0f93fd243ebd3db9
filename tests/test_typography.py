"""pt-PT typography: « » quotes nested with “ ”, apostrophes, dashes, ellipses."""
from __future__ import annotations

import pytest

from newsgen.core.typography import smarten, smarten_segments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('um "sucesso".', "um «sucesso»."),
        ('"Ele\'s"', "«Ele’s»"),  # smarty gives «Ele’s«
        ('Ele disse "isto é "ilegal" e grave" ontem', "Ele disse «isto é “ilegal” e grave» ontem"),
        ('«Ele disse "olá"»', "«Ele disse “olá”»"),
        ('("entre parênteses")', "(«entre parênteses»)"),
        ('"Sim", disse.', "«Sim», disse."),
        ('a "irmandade inquebrável" entre', "a «irmandade inquebrável» entre"),
        ("d'Ávila", "d’Ávila"),
        ("a -- b --- c...", "a – b — c…"),
        ("já «literal» fica", "já «literal» fica"),
    ],
)
def test_quotes_and_dashes_follow_pt_pt_rules(text: str, expected: str) -> None:
    assert smarten(text) == (expected, 0)


@pytest.mark.parametrize("text", ['Cooperação "ilegal', 'fim" solto', "«aberto"])
def test_unbalanced_quotes_are_counted(text: str) -> None:
    assert smarten(text)[1] == 1


def test_quotes_balance_across_inline_elements_and_leave_code_alone() -> None:
    segments, unbalanced = smarten_segments(['Ele disse "', "muito", '" e ', None, ' "fim".'])
    assert segments == ["Ele disse «", "muito", "» e ", None, " «fim»."]
    assert unbalanced == 0
