"""Per-post cost of the Markdown engines and of link rewriting, on generated posts.

Run:  python bench/engines.py [N]
The numbers chose our renderer (cmark-gfm with GitBook pre-pass and regex URL post-pass) and
the engine of the link scan (markdown-it-py, for its line maps). Python-Markdown and mistune are
only needed for this comparison (pip install markdown mistune).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_post  # bench/ is not a package

from pipeline.render.markdown import PageContext, render


def per_post_ms(fn: Callable[[str], object], bodies: list[str], rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for body in bodies:
            fn(body)
        times.append((time.perf_counter() - start) / len(bodies) * 1000)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    bodies = [make_post(i).text.split("\n---\n", 1)[1] for i in range(1, n + 1)]
    rows: list[tuple[str, float]] = []

    def ours(body: str) -> str:
        return render(body, PageContext(source="essays/x.md", url="https://e.org/essays/x/"))

    rows.append(
        (
            "ours: cmark-gfm + GitBook pre-pass + URL/heading-id post-pass",
            per_post_ms(ours, bodies),
        )
    )
    import cmarkgfm
    from cmarkgfm.cmark import Options

    def cmark_plain(body: str) -> str:
        return str(cmarkgfm.markdown_to_html(body, options=Options.CMARK_OPT_UNSAFE))

    rows.append(("cmark-gfm, plain", per_post_ms(cmark_plain, bodies)))
    from pipeline.render.markdown import scan

    rows.append(
        (
            "ours: link scan (markdown-it-py parse + GitBook rules, exact lines)",
            per_post_ms(lambda b: scan(b, "essays/x.md"), bodies),
        )
    )
    from markdown_it import MarkdownIt

    plain = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    rows.append(("markdown-it-py, plain", per_post_ms(plain.render, bodies)))
    try:
        import markdown

        md = markdown.Markdown(extensions=["tables", "fenced_code", "toc"])
        rows.append(
            (
                "Python-Markdown (tables, fenced_code, toc)",
                per_post_ms(lambda b: md.reset().convert(b), bodies),
            )
        )
    except ImportError:
        pass
    try:
        import mistune

        m = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])
        rows.append(("mistune 3", per_post_ms(m, bodies)))
    except ImportError:
        pass
    try:
        from bs4 import BeautifulSoup

        htmls = [plain.render(b) for b in bodies]

        def bs4_rewrite(html: str) -> str:
            soup = BeautifulSoup(html, "html.parser")
            for tag in soup.find_all(["a", "img"]):
                for attr in ("href", "src"):
                    if tag.get(attr) and not str(tag[attr]).startswith("http"):
                        tag[attr] = "https://e.org/essays/x/" + str(tag[attr])
            return str(soup)

        it = iter(htmls * 10)
        rows.append(
            (
                "BeautifulSoup link rewrite of rendered HTML (for comparison)",
                per_post_ms(lambda _b: bs4_rewrite(next(it)), bodies),
            )
        )
    except ImportError:
        pass
    words = statistics.mean(len(b.split()) for b in bodies)
    print(f"{n} generated posts, {words:.0f} words on average\n")
    print("| engine | ms per post |\n|---|---:|")
    for name, ms in rows:
        print(f"| {name} | {ms:.2f} |")


if __name__ == "__main__":
    main()
