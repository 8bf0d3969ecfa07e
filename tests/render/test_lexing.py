"""Pygments' lexers run with joined states (``pipeline/render/lexing.py``) give the tokens
Pygments' own loop gives: for every language the site highlights, on code written in it, on
code cut and salted with stray quotes and brackets, and on several languages run together."""

from __future__ import annotations

import html
import random

import pytest
from pygments.lexer import RegexLexer, bygroups
from pygments.token import Keyword, Name, Number, Punctuation, String, Text

from pipeline.render import lexing
from pipeline.render.highlight import LANGUAGES, _lexer, highlight, spans

SNIPPETS = {
    "python": (
        '#!/usr/bin/env python3\n"""Doc."""\nimport os, re as r\nfrom x import (a, b)\n\n'
        "@dataclass(frozen=True)\nclass A(B, metaclass=M):\n    x: int = 0x1F + 1_000 - 3.5e-2j\n"
        "    async def f(self, *a, **k) -> str:\n        s = f'{self.x!r:>10} {{x}}' + rb'\\x00' "
        "+ u'é'\n        return await g(lambda y: y ** 2) if s else None  # comment\n"
        "    def __init__(self): yield from range(3); raise ValueError('a' 'b')\n"
        'print("""multi\nline""", sep=\'\\n\', end=r\'\\d\')\nmatch p:\n    case [1, *r]: pass\n'
    ),
    "javascript": (
        "// comment\n/* block */\nimport x, { y as z } from './m.js';\nexport default class A "
        "extends B {\n  #p = 1n;\n  static async *g(a = 1, ...r) { yield* r; }\n  get v() { "
        "return this.#p ?? null; }\n}\nconst re = /a[b/]+\\/c/gi, t = `x ${a + `in ${b}`} y`;\n"
        "let o = { 'k': 0x1f, \"q\": 1e-3, [k]: () => {} }; if (a !== b && c?.d) throw new "
        "Error('x');\n<div className={x}>{/* jsx */}</div>\n"
    ),
    "typescript": (
        "interface P<T extends object = {}> { readonly a?: T; [k: string]: unknown }\n"
        "type U = 'a' | `b${number}`;\nenum E { A = 1, B }\nfunction f<T>(x: T): asserts x is T "
        "{}\n@Dec() class C implements P { private constructor(public a: number) { super(); } }\n"
        "declare module 'm' { export = x; }\nlet v = <const>['a'] satisfies readonly string[];\n"
    ),
    "bash": (
        "#!/bin/bash\nset -euo pipefail\nexport A=\"$HOME/x\" B='lit' C=$(date +%s)\nfor f in "
        '*.md; do echo "${f%.md} $((1 + 2))" >> out.txt 2>&1; done\ncat <<-EOF\n\tline $A\n'
        '\tEOF\ncase "$1" in\n  a|b) shift ;;\n  *) exit 1 ;;\nesac\n[[ -f x && ! -d y ]] && '
        "{ ls -la | grep -v '^d'; } || true\nfunction g() { local x=${1:-def}; echo ${#x}; }\n"
        "arr=(1 2 3); echo ${arr[@]} `uname` $'esc\\n' # done\n"
    ),
    "yaml": (
        "%YAML 1.2\n---\nkey: value\n'quoted': \"dq \\n\"\nlist:\n  - a\n  - {b: 1, c: [2, 3]}\n"
        "anchor: &a\n  x: 1\nref: *a\nblock: |\n  text\n  more\nfold: >-\n  f\n? complex\n: v\n"
        "date: 2024-01-01\nnum: 0x1F\ntag: !!str 1\n# comment\n...\n"
    ),
    "toml": (
        "# c\ntitle = \"T\"\n[owner]\nname = 'lit'\ndob = 1979-05-27T07:32:00-08:00\n"
        "[[products]]\nsku = 738_594_937\nratio = +1.5e3\nflags = [true, false, inf, nan]\n"
        'inline = { a = 1, "b.c" = """multi\nline""" }\nraw = \'\'\'r\'\'\'\n'
    ),
    "json": '{"a": [1, -2.5e3, true, null], "b": {"c": "\\u00e9\\n"}, "d": []}\n',
    "css": (
        "@import url('x.css');\n:root { --c: #fff; }\na:hover > b::before, .x#y[data-a^='v'] "
        '{ color: rgb(0 0 0 / 50%); margin: -1.5em !important; content: "\\201C"; }\n'
        "@media (min-width: 40rem) and (prefers-color-scheme: dark) { .k { grid: a / auto; } }\n"
    ),
    "scss": (
        "$c: #333 !default;\n@mixin m($a: 1px) { border: $a solid darken($c, 10%); }\n.a { "
        "&:hover { @include m(2px); } .b & { color: red; } #{$sel} { x: y; } }\n// line\n"
        "@each $k, $v in $map { .#{$k} { w: $v * 2; } }\n"
    ),
    "html": (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset=utf-8><title>T &amp; '
        "x</title>\n<style>p { color: red }</style>\n<script>let a = '<b>' && 1;</script></head>"
        "\n<body><!-- c --><p class='x' hidden>Text &eacute; <a href=\"/y?a=1&b=2\">l</a></p>"
        "<![CDATA[ raw ]]></body></html>\n"
    ),
    "xml": (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e "v">]>\n<r xmlns:a="u"><a:b c=\'d\'>'
        "&e; text<![CDATA[<x>]]></a:b><!-- c --><e/></r>\n"
    ),
    "sql": (
        "-- c\nSELECT a.id, COUNT(*) AS n FROM t AS a LEFT JOIN u ON u.id = a.uid WHERE a.x "
        "IN (1, 2.5, 'it''s') AND b LIKE '%x' GROUP BY 1 HAVING n > 0 ORDER BY n DESC;\n"
        "CREATE TABLE \"q\" (id INTEGER PRIMARY KEY, v TEXT NOT NULL DEFAULT '');\n/* b */\n"
    ),
    "go": (
        'package main\nimport (\n\t"fmt"\n)\n// c\nfunc (s *S) F(a int, b ...string) (err '
        "error) {\n\tch := make(chan int, 3)\n\tgo func() { ch <- 0x1f }()\n\tselect { case v := "
        '<-ch: fmt.Printf("%d\\n", v) }\n\treturn `raw\nstr`\n}\ntype T[K comparable] struct{}\n'
    ),
    "rust": (
        "#![allow(dead_code)]\nuse std::{io, fmt::Display};\n/// doc\n#[derive(Debug)]\npub "
        "struct S<'a, T: Display> { r: &'a mut T }\nimpl<'a, T: Display> S<'a, T> {\n    fn "
        "f(&self) -> Result<u8, io::Error> { let x = b'a' as u8 + 1_u8; println!(\"{x:?}\"); "
        'Ok(r#"raw "q""#.len() as u8) }\n}\nmacro_rules! m { ($e:expr) => { $e }; }\n'
    ),
    "java": (
        "package a.b;\nimport java.util.*;\n@Override\npublic final class A<T> extends B "
        "implements C {\n  private static final long X = 0xFFL;\n  /** doc */\n  public <U> void "
        'f(String... s) throws E { var t = """\n    text"""; char c = \'\\n\'; for (int i '
        "= 0; i < s.length; i++) { } }\n}\n"
    ),
    "kotlin": (
        'package a\nfun <T> List<T>.f(x: Int = 1): String? = "v=${x + 1} $x"\n'
        "data class P(val a: Int, var b: String)\nobject O { const val C = 0b101 }\nwhen (x) "
        "{ in 1..9 -> println('c') else -> null }\n"
    ),
    "c": (
        "#include <stdio.h>\n#define MAX(a, b) ((a) > (b) ? (a) : (b))\n/* c */\nstatic int "
        "f(const char *s, ...) { unsigned long x = 0x1Fu; return printf(\"%s\\n\", s) + 'a'; "
        "}\nint main(void) { struct s { int a: 3; } v; goto end; end: return 0; }\n"
    ),
    "cpp": (
        "#include <vector>\ntemplate <typename T> concept C = requires(T t) { t.f(); };\n"
        "namespace n { class A : public B { public: A() noexcept = default; virtual ~A(); "
        '}; }\nauto l = [&](auto x) -> int { return x * 2; }; std::string s = R"(raw)";\n'
    ),
    "csharp": (
        "using System;\nnamespace N { public record R(int A); class C { public int P { get; "
        'init; } = 0x1F; async Task<string> F() => $"v {P,5:N2}" + @"verb\\"; } }\n'
    ),
    "php": (
        "<?php\nnamespace A;\nfunction f(?int $a = null): string { return \"v $a {$b['k']}\" "
        ". 'lit' . <<<EOT\nheredoc $a\nEOT; }\n$x = fn($y) => $y ** 2; // c\n# c2\n?>\n<p>html</p>\n"
    ),
    "ruby": (
        "# c\nmodule M\n  class A < B\n    attr_reader :x\n    def f(a, *r, k: 1, &b) = "
        "\"v #{a + 1}\" + 'l' + %w[a b].join\n    x = <<~EOS\n      heredoc #{y}\n    EOS\n    "
        "/re#{1}/i =~ s ? :sym : nil\n  end\nend\n"
    ),
    "lua": "-- c\nlocal function f(a, ...) return #a .. [[long\nstr]] end\nt = { x = 0x1F, [1] = 'v' }\n",
    "swift": (
        "import UIKit\n@MainActor struct S: P { var x: Int? = nil; func f<T>(_ a: T) async "
        'throws -> String { "v \\(a)" } }\nlet c = { (a: Int) in a * 2 }\n'
    ),
    "r": "# c\nf <- function(x, ...) { y <- x %in% c(1L, 2.5, NA); if (TRUE) 'a' else \"b\" }\n",
    "elixir": (
        'defmodule M do\n  @doc """\n  doc\n  """\n  def f(%{a: a} = m, b \\\\ 1), do: '
        '"v #{a}" <> ~s(sigil) |> String.upcase()\nend\n'
    ),
    "haskell": (
        "module M where\nimport qualified Data.Map as Map\n-- c\nf :: Int -> [a] -> Maybe a\n"
        "f n (x:xs) | n > 0 = Just x\n           | otherwise = Nothing {- b -}\nmain = print 'c'\n"
    ),
    "diff": (
        "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n ctx\n"
        "-old\n+new\n\\ No newline at end of file\n"
    ),
    "dockerfile": (
        "# syntax=docker/dockerfile:1\nFROM python:3.11-slim AS base\nARG V=1\nENV A=b\n"
        'RUN apt-get update && \\\n    apt-get install -y x\nCOPY --chown=a . /app\nCMD ["x", "y"]\n'
    ),
    "makefile": (
        ".PHONY: all\nCC ?= gcc\nOBJ := $(SRC:.c=.o)\n# c\nall: $(OBJ) | dir\n\t$(CC) -o $@ $^\n"
        '%.o: %.c\n\t@echo "cc $<"\ninclude x.mk\nifeq ($(A),1)\nB = 2\nendif\n'
    ),
    "nginx": (
        "user www;\nhttp {\n  server {\n    listen 443 ssl;\n    location ~* \\.(css|js)$ { "
        "expires 1d; }\n    rewrite ^/old/(.*)$ /new/$1 permanent; # c\n  }\n}\n"
    ),
    "ini": '; c\n[section]\nkey = value\nother="q" # c\n[s.sub]\nk2 : v2\n',
    "markdown": (
        "# T\n\nSome *em* and **strong** `code` [l](u) ![i](s)\n\n- a\n  1. b\n\n> q\n\n"
        "```python\nx = 1\n```\n\n| a | b |\n|---|---|\n"
    ),
    "console": '$ ls -la\ntotal 0\n# echo root\n> cont\n$ echo "$A" | grep x\nx\n',
}
_NOISE = "'\"`{}()[]<>#/*\\\n$@;:=-!&|%"


def _cases() -> list[tuple[str, str]]:
    """(language, text): each language's snippet, cuts of it salted with stray characters,
    and cuts of every snippet run together (other languages' code in a block is common)."""
    rnd = random.Random(20261206)
    pool = list(SNIPPETS.values())
    cases: list[tuple[str, str]] = []
    for name in sorted(LANGUAGES):
        own = SNIPPETS.get(name, "")
        texts = [own] if own else []
        for _ in range(12):
            base = own or rnd.choice(pool)
            start = rnd.randrange(len(base))
            chars = list(base[start : start + rnd.randrange(1, 400)])
            for _ in range(rnd.randrange(0, 8)):
                chars.insert(rnd.randrange(len(chars) + 1), rnd.choice(_NOISE))
            texts.append("".join(chars))
        for _ in range(4):
            texts.append("".join(rnd.choice(pool)[rnd.randrange(0, 120) :][:300] for _ in range(4)))
        cases += [(name, text) for text in texts]
    return cases


CASES = _cases()


def _pygments(name: str, text: str) -> list[tuple[object, str]]:
    lexer = _lexer(name)
    assert lexer is not None
    return list(lexer.get_tokens(text))


@pytest.mark.parametrize("name", sorted(LANGUAGES))
def test_every_language_gives_pygments_own_tokens(name: str) -> None:
    lexer = _lexer(name)
    assert lexer is not None, f"{name} is listed but Pygments has no lexer for it"
    for lang, text in CASES:
        if lang == name:
            assert list(lexing.tokens(lexer, text)) == _pygments(name, text), repr(text[:80])


def test_the_joined_loop_itself_gives_pygments_tokens_or_is_not_used() -> None:
    """On the Pygments this module was checked against, the joined loop runs every plain
    ``RegexLexer`` (most languages here) and equals Pygments' loop; on any other, it is not
    used at all."""
    plain = [
        n
        for n in sorted(LANGUAGES)
        if getattr(type(_lexer(n)), "get_tokens_unprocessed", None)
        is RegexLexer.get_tokens_unprocessed
    ]
    assert {"python", "javascript", "bash", "toml", "css", "html"} <= set(plain)
    for name in plain:
        lexer = _lexer(name)
        assert isinstance(lexer, RegexLexer)
        if not lexing._loop_checked():
            assert not lexing.fast(lexer)
            continue
        assert lexing.fast(lexer)
        states = lexing._States(lexer)
        for lang, text in CASES:
            if lang == name:
                text = lexer._preprocess_lexer_input(text)  # type: ignore[attr-defined]
                assert list(lexing._run(lexer, text, states)) == _pygments(name, text)
        joined = [b for branches in states.values() for b in branches if b[0] is not None]
        assert joined, f"{name}: no state was joined"


class _Quirky(RegexLexer):
    """Rules the joined loop must leave alone or get exactly right: a backreference, a
    named group, inline flags, a callback over groups, and rules that match nothing."""

    name = "quirky"
    tokens = {  # noqa: RUF012  (Pygments' own class attribute)
        "root": [
            (r"\s+", Text),
            (r"(['\"])(.*?)\1", String),  # refers to its own group 1
            (r"(?P<n>\d+)(?P=n)", Number),  # named, and refers to it
            (r"(?i)select\b", Keyword),  # inline flags
            (r"(\w+)(\s*)(=)", bygroups(Name.Variable, Text, Punctuation)),
            (r"(?=x)", Text, "afterx"),  # empty match, a state change
            (r"\w+", Name),
            (r"[{}]", Punctuation),
        ],
        "afterx": [
            (r"x+", Keyword, "#pop"),
        ],
    }


def test_rules_that_refer_to_their_own_groups_are_tried_alone_and_all_agree() -> None:
    lexer = _Quirky(stripnl=False, ensurenl=False)
    text = 'a = \'q"q\' "z" 1212 12 SELECT Select xx xy {b=1}\n@ é\nxxx'
    expected = list(lexer.get_tokens(text))
    assert list(lexing.tokens(lexer, text)) == expected
    assert (Keyword, "SELECT") in expected and (Number, "1212") in expected
    branches = lexing._States(lexer)["root"]
    alone = [table[0][0].__self__.pattern for match, table in branches if match is None]
    # \s+ is a run of one: alone too; the four after the inline flags are joined
    assert alone == [r"\s+", r"(['\"])(.*?)\1", r"(?P<n>\d+)(?P=n)", r"(?i)select\b"]
    joined = [match.__self__.pattern for match, _ in branches if match is not None]
    assert joined == [r"((\w+)(\s*)(=))|((?=x))|(\w+)|([{}])"]


def test_a_lexer_with_its_own_loop_or_filters_runs_pygments_loop() -> None:
    yaml = _lexer("yaml")  # ExtendedRegexLexer with a loop of its own
    assert yaml is not None and not lexing.fast(yaml)
    filtered = _Quirky(stripnl=False, ensurenl=False)
    filtered.add_filter("keywordcase", case="upper")
    assert not lexing.fast(filtered)
    text = "select a"
    assert list(lexing.tokens(filtered, text)) == list(filtered.get_tokens(text))
    assert (Keyword, "SELECT") in list(lexing.tokens(filtered, text))


def test_a_highlighted_block_is_the_one_pygments_tokens_give() -> None:
    for name, code in SNIPPETS.items():
        lexer = _lexer(name)
        assert lexer is not None
        escaped = html.escape(code, quote=False)
        out = highlight(f'<pre><code class="language-{name}">{escaped}</code></pre>')
        expected = spans(lexer.get_tokens(code))
        assert (
            out == f'<pre class="highlight"><code class="language-{name}">{expected}</code></pre>'
        )
