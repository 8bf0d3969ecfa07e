"""Jekyll's Liquid in pages written for Jekyll: code kept as code, links to the right pages,
every line kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.render.liquid_text import liquid
from tests.timing import assert_linear

POST = """---
title: Hello
date: 2024-01-02
id: p2
---
Back to [the start]({{ site.baseurl }}/) or [about]({% link about.md %}).

{% highlight ruby %}
def greet
  puts "{% post_url not-a-tag %}"
end
{% endhighlight %}

Read [the first post]({% post_url 2024-01-01-first %}) and [a lost one]({% post_url 2020-01-01-gone %}).

{% raw %}{{ shown }}{% endraw %} and `{% link kept.md %}` as written.
"""


def test_jekyll_posts_keep_their_code_and_links(tmp_path: Path) -> None:
    """Adopted as they are, a Jekyll blog's posts lost their code blocks (a paragraph of run-on
    code) and every post_url/link pointed at the page itself."""
    content = tmp_path / "content"
    (content / "_posts").mkdir(parents=True)
    (content / "_posts" / "2024-01-02-hello.md").write_text(POST, encoding="utf-8")
    (content / "_posts" / "2024-01-01-first.md").write_text(
        "---\ntitle: First\ndate: 2024-01-01\nid: p1\n---\nThe first.\n", encoding="utf-8"
    )
    (content / "about.md").write_text("# About\n\nUs.\n", encoding="utf-8")
    config = tmp_path / "publish.toml"
    config.write_text('[site]\ntitle = "T"\nbase_url = "https://e.org/"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = next(out.rglob("hello/index.html")).read_text(encoding="utf-8")
    first = next(out.rglob("first/index.html")).parent.relative_to(out).as_posix()
    depth = "../" * next(out.rglob("hello/index.html")).parent.relative_to(out).as_posix().count(
        "/"
    )
    assert f'href="../{depth}{first}/">the first post</a>' in page
    assert f'href="../{depth}about/">about</a>' in page
    assert '<code class="language-ruby">' in page and "post_url not-a-tag" in page
    assert "{{ shown }} and <code>{% link kept.md %}</code> as written." in page
    assert "site.baseurl" not in page
    # the lost post is a link that points at nothing, said at its line
    assert "2024-01-02-hello.md:14: link: 2020-01-01-gone.md points at nothing" in result.stderr


def test_every_line_keeps_its_number() -> None:
    body = POST.split("---\n", 2)[2]
    assert liquid(body, "_posts/2024-01-02-hello.md").count("\n") == body.count("\n")
    alone = "{% highlight go %}\nx := 1\n{%- endhighlight -%}"
    assert liquid(alone, "a.md") == "```go\nx := 1\n```"  # no link, no variable: still read


@pytest.mark.parametrize("shape", ["{% link a", "{% post_url ", "{{ site.url }}{%", "x {% raw "])
def test_hostile_liquid_text_takes_linear_time(shape: str) -> None:
    bodies = {n: shape * n + " highlight link %}" for n in (20_000, 40_000)}
    assert_linear(lambda n: liquid(bodies[n], "a/b.md"), 20_000, ratio=2.5, slack=0.01)


def test_a_link_tag_written_without_its_space_is_read() -> None:
    """``{%link x %}`` is Liquid's link tag all the same; the quick test for Liquid in a page
    looked for ``{% link`` and let the page through unread."""
    assert liquid("See [a]({%link about.md %}).", "posts/x.md") == "See [a](../about.md)."
