"""The legacy GitBook's tags, as spaces exported before 2020 still hold them (GitBook still
reads them): ``{% page-ref page="…" %}`` (the old content-ref), ``{% code-tabs %}`` with
``{% code-tabs-item title="…" %}``, and ``{% api-method %}`` with its parameters and response
examples. A page-ref was dropped whole (the link it stood for gone from the page, and unseen
by ``publish links``), a code tab lost its title, an API method its method and path, a
parameter its name and a response example its status."""

from __future__ import annotations

from pathlib import Path

from tests.gitbook.conftest import article, run_space, write_space

FILES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Events API](api.md)\n",
    "README.md": "# Home\n\n"
    '{% page-ref page="api.md" %}\n\n'
    '{% page-ref page="gone.md" %}\n\n'
    'See also {% page-ref page="api.md" %} inline.\n\n'
    "{% code-tabs %}\n"
    '{% code-tabs-item title="settings.yaml" %}\n'
    "```yaml\na: 1\n```\n"
    "{% endcode-tabs-item %}\n"
    "{% endcode-tabs %}\n",
    "api.md": "# Events\n\n"
    '{% api-method method="get" host="https://api.example.com" path="/v1/event/:id" %}\n'
    "{% api-method-summary %}\nGet Event\n{% endapi-method-summary %}\n\n"
    "{% api-method-spec %}\n{% api-method-request %}\n{% api-method-path-parameters %}\n"
    '{% api-method-parameter name="id" type="string" required=true %}\n'
    "The event's id.\n"
    "{% endapi-method-parameter %}\n"
    "{% endapi-method-path-parameters %}\n{% endapi-method-request %}\n\n"
    "{% api-method-response %}\n{% api-method-response-example httpCode=200 %}\n"
    "{% api-method-response-example-description %}\nFound.\n"
    "{% endapi-method-response-example-description %}\n"
    "{% endapi-method-response-example %}\n{% endapi-method-response %}\n"
    "{% endapi-method-spec %}\n{% endapi-method %}\n",
}


def _built(tmp_path: Path) -> Path:
    root = write_space(tmp_path / "space", FILES)
    out = tmp_path / "out"
    result = run_space(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "{%" not in (out / "index.html").read_text(encoding="utf-8")
    return out


def test_a_page_ref_is_a_card_titled_by_its_page(tmp_path: Path) -> None:
    home = article(_built(tmp_path), "")
    assert '<div class="gitbook-content-ref"> <p><a href="./api/">Events</a></p> </div>' in home
    assert 'See also <a href="./api/">api.md</a> inline.' in home


def test_a_code_tab_and_an_api_method_keep_what_their_tags_say(tmp_path: Path) -> None:
    out = _built(tmp_path)
    assert '<h4 class="tab-title" id="settings.yaml">settings.yaml</h4>' in article(out, "")
    api = article(out, "api")
    assert "<strong>GET</strong> <code>https://api.example.com/v1/event/:id</code>" in api
    assert '<p class="api-parameter"><code>id</code> string · required</p>' in api
    assert '<p class="api-response"><strong>200</strong></p>' in api
    assert "The event&#x27;s id." in api or "The event's id." in api


def test_links_checks_a_page_refs_page(tmp_path: Path) -> None:
    root = write_space(tmp_path / "space", FILES)
    result = run_space(root, "links", "--offline")
    assert result.exit_code == 2, result.output
    assert "README.md\n  5: broken: gone.md" in result.stdout
    assert result.stdout.count("broken:") == 1  # the two that name api.md are ok
