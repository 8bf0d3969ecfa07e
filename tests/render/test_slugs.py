"""GitBook's heading ids as the links its editor writes name them (seen in real spaces:
``## Release 4.5`` linked as ``#release-4.5``, a heading of ``gcache.size`` as
``#gcache.size``, ``### 5. Set Up the Proxy Server (V2 Auth)`` as
``#id-5.-set-up-the-proxy-server-v2-auth``): the old rule dropped dots and added no ``id-``,
so every such link was reported broken and led nowhere on the built page."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.render.slugs import Slugger, gitbook_slug, github_slug


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Release 4.5", "release-4.5"),
        ("gcache.size", "gcache.size"),
        ("Abuse via .git/config", "abuse-via-.git-config"),
        ("POST /api/auth/login", "post-api-auth-login"),
        ("5. Set Up the Proxy Server (V2 Auth)", "id-5.-set-up-the-proxy-server-v2-auth"),
        ("Step 1 - Download the app", "step-1-download-the-app"),
        ("snake_case & more!", "snake_case-and-more"),
        ("DDD & CQRS", "ddd-and-cqrs"),  # AxonIQ's reference guide, by GitBook's editor
        ("Mobile Badge | Scheduled for March 2025", "mobile-badge-or-scheduled-for-march-2025"),
        ("R&D", "randd"),
        # GitBook commits that wrote a heading and a link to it (a helper's evidence):
        # VirtualSoft's manual, OFN's user guide, a Vietnamese space: accents dropped
        ("6. Añadir SEO", "id-6.-anadir-seo"),
        ("Einführung", "einfuhrung"),
        ("Ĳsselmeer", "ijsselmeer"),  # one letter, two plain ones (it raised: a reviewer's)
        ("Changer l'e-mail de réception", "changer-le-mail-de-reception"),
        ("Hướng dẫn thiết lập Webhook", "huong-dan-thiet-lap-webhook"),
        # Don't-Do-That-AWS: Korean dropped, a dot that ends it too, nothing left: undefined
        ("1. AWS Config 규칙 생성", "id-1.-aws-config"),
        ("5. 테스트", "id-5"),
        ("실습 개요", "undefined"),
        # emoji dropped, a keycap's digit kept; cryptoportalua: Ukrainian
        ("🎛️ 3.1. Filtros Disponibles", "id-3.1.-filtros-disponibles"),
        ("1️⃣ Fixed Options", "id-1-fixed-options"),
        ("Тепер реєструємо вашу ноду на сайті.", "teper-reyestruyemo-vashu-nodu-na-saiti"),
        # lordbot's handbook: GitBook commits wrote these headings with their links
        ("Как добавить / изменить эмодзи?", "kak-dobavit-izmenit-emodzi"),
        ("Обратная связь", "obratnaya-svyaz"),
        ("Щука, цех и йод", "shuka-cekh-i-iod"),
        # dify's handbook (zh_CN), as GitBook's editor and site link them: Chinese in pinyin
        ("知识库配置", "zhi-shi-ku-pei-zhi"),
        ("2 引用与归属", "id-2-yin-yong-yu-gui-shu"),
        ("多路召回（推荐）", "duo-lu-zhao-hui-tui-jian"),
        (
            "15. 文本转语音遇到这个错误怎么办",
            "id-15.-wen-ben-zhuan-yu-yin-yu-dao-zhe-ge-cuo-wu-zen-me-ban",
        ),
        # Airstack's docs: a GitBook commit wrote these headings and the links naming them
        ("Users With Social Capital Scores > X", "users-with-social-capital-scores-greater-than-x"),
        ("Users With Social Capital Rank < X", "users-with-social-capital-rank-less-than-x"),
    ],
)
def test_gitbook_ids_as_gitbook_links_name_them(heading: str, anchor: str) -> None:
    assert gitbook_slug(heading) == anchor


def test_github_ids_are_unchanged() -> None:
    assert github_slug("Release 4.5") == "release-45"
    assert github_slug("5. Set Up (V2)") == "5-set-up-v2"


def test_repeats_number_after_the_gitbook_id() -> None:
    slug = Slugger("gitbook")
    assert [slug("Release 4.5"), slug("Release 4.5")] == ["release-4.5", "release-4.5-1"]


def test_a_space_links_its_headings_as_gitbook_names_them(tmp_path: Path) -> None:
    (tmp_path / "SUMMARY.md").write_text(
        "# Table of contents\n\n* [Home](README.md)\n* [Notes](notes.md)\n", encoding="utf-8"
    )
    (tmp_path / "README.md").write_text(
        "# Home\n\nSee [the release](notes.md#release-4.5) and [setup](notes.md#id-5.-set-up).\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text(
        "# Notes\n\n## Release 4.5\n\nText.\n\n## 5. Set up\n\nMore.\n", encoding="utf-8"
    )
    (tmp_path / "publish.toml").write_text(
        '[site]\ntitle = "H"\nbase_url = "https://h.example/"\n\n'
        '[content]\nfolder = "."\nslug_style = "gitbook"\n',
        encoding="utf-8",
    )
    config = str(tmp_path / "publish.toml")
    links = CliRunner().invoke(main, ["links", "--offline", "--config", config])
    assert links.exit_code == 0, links.output
    out = tmp_path / "site"
    build = CliRunner().invoke(main, ["build", "--config", config, "--out", str(out)])
    assert build.exit_code == 0, build.output
    page = (out / "notes" / "index.html").read_text(encoding="utf-8")
    assert 'id="release-4.5"' in page and 'id="id-5.-set-up"' in page


def test_a_long_chinese_heading_is_slugged_in_linear_time() -> None:
    from tests.timing import assert_linear

    assert_linear(lambda n: gitbook_slug("知识库配置 " * n), 4_000)
