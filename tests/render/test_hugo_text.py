"""Hugo's shortcodes in pages written for Hugo: Hugo's own become what Hugo makes of them, a
site's own are left out with their content kept, every line keeps its number."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.render.hugo_text import shortcode_problems, shortcodes
from pipeline.render.links import PageContext
from pipeline.render.markdown import render
from tests.render.test_gitbook_text import attribute_names
from tests.timing import assert_linear

PAGE = """Intro {{< new-in 0.140 >}} text.

{{< figure
  src="zion.jpg"
  alt="Zion <park>"
  caption="Zion National Park"
>}}

{{< youtube dQw4w9WgXcQ >}}

{{< highlight go >}}
fmt.Println("{{< not-a-shortcode >}}")
{{< /highlight >}}

- A list item:

      {{< code-toggle file=hugo >}}
      baseURL = "https://x.org/"
      {{< /code-toggle >}}

`{{< in-a-code-span >}}` and {{</* shown */>}} as written.

```
{{< in-a-fence >}}
```
"""


def _html(body: str) -> str:
    return render(body, PageContext(source="a.md", url="https://e.org/a/"))


def test_hugos_own_shortcodes_become_what_hugo_makes_of_them() -> None:
    out = _html(PAGE)
    assert "{{&lt; new-in" not in out and "Intro  text." in out
    assert '<img src="https://e.org/a/zion.jpg" alt="Zion &lt;park&gt;">' in out
    assert "<figcaption>Zion National Park</figcaption>" in out
    assert 'data-embed-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in out
    assert '<code class="language-go">' in out and "not-a-shortcode" in out  # code, as written
    assert 'baseURL = "https://x.org/"' in out and "code-toggle" not in out
    assert "<code>{{&lt; in-a-code-span &gt;}}</code>" in out
    assert "{{&lt; shown &gt;}} as written" in out
    assert "{{&lt; in-a-fence &gt;}}" in out


def test_every_line_keeps_its_number_and_a_sites_own_shortcode_is_named() -> None:
    assert shortcodes(PAGE).count("\n") == PAGE.count("\n")
    assert shortcode_problems(PAGE) == [
        (
            0,
            "Hugo shortcode 'new-in' is the site's own (layouts/shortcodes): its tags are "
            "left out, what it wraps is kept",
        ),
        (
            16,
            "Hugo shortcode 'code-toggle' is the site's own (layouts/shortcodes): its tags are "
            "left out, what it wraps is kept",
        ),
    ]


def test_arguments_cannot_inject_markup() -> None:
    out = _html(
        '{{< figure src="x.png\\" onerror=\\"alert(1)" caption="<script>x</script>" >}}\n\n'
        '{{< details summary="<b onclick=y>s</b>" >}}\nT\n{{< /details >}}\n\n'
        '{{< youtube "a\\" onload=\\"z" >}}\n'
    )
    assert "<script" not in out
    assert not {"onerror", "onclick", "onload"} & attribute_names(out)  # as text: harmless
    schemes = _html(
        '[x]({{< ref "javascript:alert(1)" >}}) '
        '{{< figure src="javascript:alert(2)" link="javascript:alert(3)" >}}\n\n'
        '{{< figure src="data:text/html,x" >}}\n'
    )
    assert "javascript:" not in schemes and "data:" not in schemes


def test_a_ref_in_a_link_is_the_pages_url(tmp_path: Path) -> None:
    """``[text]({{< ref "..." >}})`` is how a Hugo site links its pages: the link once reached
    the page as the shortcode's text; it is the target page's URL, checked like any link."""
    content = tmp_path / "content"
    (content / "guide").mkdir(parents=True)
    (content / "guide" / "install.md").write_text("# Install\n\nSteps.\n", encoding="utf-8")
    (content / "start.md").write_text(
        '# Start\n\nSee [install]({{< ref "guide/install.md" >}}).\n\n'
        'Or [gone]({{< relref "guide/missing.md" >}}) and {{< site-banner >}}.\n',
        encoding="utf-8",
    )
    config = tmp_path / "publish.toml"
    config.write_text('[site]\ntitle = "T"\nbase_url = "https://e.org/"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "start" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../guide/install/">install</a>' in page
    assert "{{" not in page
    assert "start.md:5: link: guide/missing.md points at nothing" in result.stderr
    assert "start.md:5: body: Hugo shortcode 'site-banner' is the site's own" in result.stderr


@pytest.mark.parametrize(
    "shape", ["{{< a ", "{{< x >}}", "{{< a\n", '{{< figure src="', "{{< a {{% b "]
)
def test_hostile_shortcode_text_takes_linear_time(shape: str) -> None:
    bodies = {n: shape * n + "{{%" for n in (20_000, 40_000)}

    def read(n: int) -> None:
        shortcodes(bodies[n])
        shortcode_problems(bodies[n])

    assert_linear(read, 20_000, ratio=2.5, slack=0.01)
