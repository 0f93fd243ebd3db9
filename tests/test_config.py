"""newsgen.yaml: a valid config loads; every bad key is reported with its line."""
from __future__ import annotations

import pytest

from newsgen.core.config import parse_config
from newsgen.core.errors import ConfigError

from helpers.sites import CONFIG


def test_valid_config_loads_with_defaults() -> None:
    config = parse_config(CONFIG)
    assert config.title == "Mundo de Teste"
    assert config.base_url == "https://example.pt/"
    assert config.timezone.key == "Europe/Lisbon"
    assert config.locale == "pt_PT"
    assert [(s.key, s.title, s.path) for s in config.sections] == [("mundo", "Mundo", "mundo/"), ("europa", "Europa", "europa/")]
    assert config.sections[0].description == "Notícias internacionais."


def test_every_bad_key_is_reported_with_its_line() -> None:
    text = """\
title:
base_url: ftp://example.pt
languge: pt-PT
timezone: Europe/Lisboa
sections:
  Mundo: Mundo
  tag: Etiquetas
  europa: {titel: Europa}
"""
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert [str(p) for p in caught.value.problems] == [
        "newsgen.yaml:1: 'title' must not be empty",
        "newsgen.yaml:2: base_url must be an absolute http(s) URL, not 'ftp://example.pt'",
        "newsgen.yaml:3: unknown key 'languge' (did you mean 'language'?)",
        "newsgen.yaml:4: unknown time zone 'Europe/Lisboa' (e.g. Europe/Lisbon)",
        "newsgen.yaml:6: section key 'Mundo' must be lowercase ASCII words joined by hyphens and not one of: autor, correcoes, media, pagefind, pesquisa, tag, tags",
        "newsgen.yaml:7: section key 'tag' must be lowercase ASCII words joined by hyphens and not one of: autor, correcoes, media, pagefind, pesquisa, tag, tags",
        "newsgen.yaml:8: missing required field 'title'",
        "newsgen.yaml:8: unknown key 'titel' in section 'europa' (did you mean 'title'?)",
    ]


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("title: x\nbase_url: https://e.pt/\nsections: [mundo\n")
    assert caught.value.problems[0].line == 3
    assert "YAML syntax error" in caught.value.problems[0].message


def test_missing_sections_is_an_error() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("title: x\nbase_url: https://e.pt/\n")
    assert [p.message for p in caught.value.problems] == ["missing required field 'sections'"]


def test_a_missing_setting_is_told_as_a_front_matter_field_is() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("language: pt-PT\n")
    assert [p.message for p in caught.value.problems] == [
        "missing required field 'base_url'", "missing required field 'sections'", "missing required field 'title'",
    ]
