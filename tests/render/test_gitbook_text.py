"""The GitBook pre-pass: tags become HTML, except where Markdown says the text is code."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.render.gitbook_text import _marked
from pipeline.render.links import PageContext
from pipeline.render.markdown import render


def attribute_names(markup: str) -> set[str]:
    names: set[str] = set()

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            names.update(name for name, _ in attrs)

    Collect().feed(markup)
    return names


def html(body: str) -> str:
    return render(body, PageContext(source="essays/a.md", url="https://e.org/essays/a/"))


def test_nested_hints_and_hint_inside_a_list() -> None:
    out = html(
        '* item\n\n  {% hint style="warning" %}\n  inside **list**\n  {% endhint %}\n'
        '* next\n\n{% hint style="info" %}\nA\n{% hint style="danger" %}\nB\n'
        "{% endhint %}\nC\n{% endhint %}\n"
    )
    assert '<li>\n<p>item</p>\n<blockquote class="hint hint-warning"' in out
    assert "<strong>list</strong>" in out
    assert out.count("<blockquote") == 3 and out.count("</blockquote>") == 3


@pytest.mark.parametrize(
    "body",
    [
        '```\n{% hint style="info" %}\ncode\n{% endhint %}\n```\n',
        '~~~\n{% embed url="https://z.org" %}\n~~~\n',
        'para\n\n    {% embed url="https://x.org" %}\n',
        'Use `{% embed url="x" %}` here.\n',
        # an indented sample of several tags: its own lines once passed for list content
        'para\n\n    {% hint style="info" %}\n    inside\n    {% endhint %}\n\n'
        '    {% embed url="https://example.com" %}\n    {% tabs %}\n',
    ],
)
def test_tags_in_code_stay_code(body: str) -> None:
    out = html(body)
    assert "{% " in out and "<code>" in out
    assert "<figure" not in out and "<blockquote" not in out
    assert out.count("{% ") == body.count("{% ")  # every tag shown, none dropped


def test_unclosed_and_stray_tags_vanish_without_losing_text() -> None:
    out = html('{% hint style="info" %}\nKept text\n\nA\n{% endhint %}\n{% endtabs %}\nB\n')
    assert "Kept text" in out and "<p>B</p>" in out and "{%" not in out


def test_integration_blocks_become_links_and_empty_tags_vanish() -> None:
    """GitBook's integrations (``{% @github-files/github-code-block url=... %}``) and a bare
    ``{% %}`` once reached the page as literal text."""
    url = "https://github.com/org/repo/blob/main/src/app.py"
    out = html(f'Intro {{% %}} text.\n\n{{% @github-files/github-code-block url="{url}" %}}\n')
    assert "{%" not in out and "Intro  text." in out
    assert f'<a href="{url}">github.com</a>' in out


API_BLOCK = """{% swagger method="get" path="/tx/{id}" baseUrl="https://arweave.net" summary="Get a transaction" %}
{% swagger-description %}
Get a transaction by its ID.
{% endswagger-description %}

{% swagger-parameter in="path" name="id" type="String" required="true" %}
Transaction ID
{% endswagger-parameter %}

{% swagger-response status="404: Not Found" description="No such transaction" %}
```json
{"error": "not found"}
```
{% endswagger-response %}
{% endswagger %}

{% openapi-operation spec="brand" path="/v1/template/brand" method="post" %}
[OpenAPI brand](https://example.org/brand.yaml)
{% endopenapi-operation %}
"""


def test_api_blocks_show_their_endpoint_parameters_and_responses() -> None:
    """A real space's HTTP API page (``{% swagger %}``, as GitBook wrote them before
    ``{% openapi %}``) lost every method, path, parameter name and status: the reader saw
    "Transaction ID" and a JSON body with nothing saying what they were."""
    out = html(API_BLOCK)
    assert "{%" not in out
    assert (
        '<p class="api-endpoint"><strong>GET</strong> <code>https://arweave.net/tx/{id}</code></p>'
        in out
    )
    assert '<p class="api-summary">Get a transaction</p>' in out
    assert '<p class="api-parameter"><code>id</code> String · path · required</p>' in out
    assert '<p class="api-response"><strong>404: Not Found</strong> No such transaction</p>' in out
    assert "<p>Transaction ID</p>" in out and "not found" in out
    assert (
        '<p class="api-endpoint"><strong>POST</strong> <code>/v1/template/brand</code></p>' in out
    )
    assert out.index("api-parameter") < out.index("Transaction ID") < out.index("api-response")
    hostile = html('{% swagger method="<b>x" path="/a\' onclick=\'y" %}\nT\n{% endswagger %}\n')
    assert "<b>" not in hostile and "onclick" not in attribute_names(hostile)


def test_tag_arguments_cannot_inject_markup() -> None:
    out = html(
        "{% embed url='https://x.org/\" onmouseover=\"alert(1)' %}\n\n"
        '{% embed url="javascript:alert(1)" %}\n\n'
        '{% tabs %}\n{% tab title="<script>x</script>" %}\nT\n{% endtab %}\n{% endtabs %}\n'
    )
    assert "onmouseover" not in attribute_names(out)  # as text or a value it is harmless
    assert 'href="javascript' not in out
    assert "<script" not in out


@settings(max_examples=500)
@given(
    st.lists(st.sampled_from(["{%", "%}", "`", "``", "```", "````", "~~~", "~", "\n", "a", " "]))
)
def test_marked_lines_are_every_line_holding_a_tag_or_fence_mark(parts: list[str]) -> None:
    """The pre-pass looks only at these lines: one missed would leave a tag unrendered."""
    body = "".join(parts)
    lines = body.split("\n")
    want = [n for n, line in enumerate(lines) if "{%" in line or "```" in line or "~~~" in line]
    assert _marked(body) == want


def test_tag_titles_and_captions_read_their_markdown_escapes() -> None:
    """GitBook writes {% tab title="iOS \\(AEP 3.x\\)" %} and {% code title="config\\_file.js" %}
    (275 tabs in Adobe's SDK docs): the backslashes showed (a helper's finding)."""
    text = (
        '{% tabs %}\n{% tab title="iOS \\(AEP 3.x\\)" %}\nSwift.\n{% endtab %}\n{% endtabs %}\n\n'
        '{% code title="config\\_file.js" %}\n```js\nx\n```\n{% endcode %}\n\n'
        '{% embed url="https://example.org/v" %}\nA \\*caption\\*\n{% endembed %}\n'
    )
    out = render(text, PageContext(source="a.md", url="https://e.org/a/", url_of={}))
    assert ">iOS (AEP 3.x)</h4>" in out and ">config_file.js</p>" in out
    assert "\\(" not in out and "\\_" not in out
