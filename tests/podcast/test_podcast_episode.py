"""parse_episode: media facts from the media, every key validated with its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.podcast.chapters import CHAPTERS_TYPE
from tests.podcast.conftest import BASE, Parse, replace_podcast


def messages(problems: list) -> list[str]:  # type: ignore[type-arg]
    return [str(p) for p in problems]


def test_example_episode_has_real_media_facts(parse: Parse, content: Path) -> None:
    episode, problems = parse("001-welcome.md")
    assert problems == []
    audio = episode.audio
    assert audio.url == f"{BASE}episodes/001-welcome/001-welcome.mp3"
    assert audio.length == (content / "episodes/media/001-welcome.mp3").stat().st_size
    assert audio.mime_type == "audio/mpeg"
    assert audio.duration == 6.0
    assert audio.source == "episodes/media/001-welcome.mp3"
    assert (episode.number, episode.season, episode.episode_type) == (1, 1, "trailer")
    assert episode.explicit is False
    assert episode.persons[0].name == "Ada Quill"
    assert episode.persons[0].href == "https://example.org/people/ada/"


def test_transcript_found_next_to_the_audio(parse: Parse) -> None:
    episode, _ = parse("001-welcome.md")
    assert episode.transcript.mime_type == "text/vtt"
    assert episode.transcript.url == f"{BASE}episodes/001-welcome/001-welcome.vtt"
    assert episode.transcript.source == "episodes/media/001-welcome.vtt"


def test_chapters_from_timestamped_headings(parse: Parse) -> None:
    episode, problems = parse("002-governance.md")
    assert problems == []
    assert episode.chapters.url == f"{BASE}chapters/episodes/002-governance.json"
    assert episode.chapters.mime_type == CHAPTERS_TYPE
    assert episode.location == "Berlin, Germany"
    bite = episode.soundbites[0]
    assert (bite.start, bite.duration, bite.title) == (3.0, 3.0, "Lazy consensus in one sentence")


def test_chapters_file_from_front_matter(parse: Parse, content: Path) -> None:
    doc = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Start"}]}
    (content / "episodes/media/ch.json").write_text(json.dumps(doc))
    episode, problems = parse(chapters="media/ch.json")
    assert problems == []
    assert episode.chapters.source == "episodes/media/ch.json"
    (content / "episodes/media/bad.json").write_text('{"chapters": [{"title": "x"}]}')
    _, problems = parse(chapters="media/bad.json")
    text = " ".join(messages(problems))
    assert 'needs a "version" string' in text
    assert 'chapter 1 needs a non-negative number "startTime"' in text
    # nested deeper than Python's decoder follows: once a RecursionError (exit 1)
    (content / "episodes/media/deep.json").write_text("[" * 100_000 + "]" * 100_000)
    _, problems = parse(chapters="media/deep.json")
    assert "chapters file is not valid JSON: JSON nested too deep to read" in messages(problems)[0]


def test_missing_audio_file_names_line_and_key(parse: Parse) -> None:
    episode, problems = parse(audio="media/404.mp3")
    assert episode is None
    assert messages(problems) == [
        "episodes/001-welcome.md:6: front matter 'audio': file not found: media/404.mp3"
    ]


def test_audio_outside_the_content_root_is_refused(parse: Parse) -> None:
    _, problems = parse(audio="../../etc/passwd")
    assert "points outside the content root" in messages(problems)[0]


def test_audio_required(parse: Parse) -> None:
    _, problems = parse(audio=None)
    assert "an episode needs an audio file" in messages(problems)[0]


def test_not_audio_is_refused(parse: Parse) -> None:
    _, problems = parse(audio="../podcast/cover.jpg")
    assert messages(problems) == [
        "episodes/001-welcome.md:6: front matter 'audio': ../podcast/cover.jpg is image/jpeg, "
        "not audio or video"
    ]


def test_unrecognised_bytes_are_refused(parse: Parse, content: Path) -> None:
    (content / "episodes/media/noise.mp3").write_bytes(b"not really audio" * 10)
    _, problems = parse(audio="media/noise.mp3")
    assert "not a recognised media file" in messages(problems)[0]


def test_stated_length_type_duration_must_match(parse: Parse) -> None:
    _, problems = parse(length=1000, type="audio/x-m4a", duration="00:01:00")
    found = messages(problems)
    assert any(
        "front matter 'length': front matter says 1000 bytes but media/001-welcome.mp3 has 24043"
        in m
        for m in found
    )
    assert any(
        "front matter 'type': front matter says 'audio/x-m4a' but media/001-welcome.mp3 is "
        "'audio/mpeg'" in m
        for m in found
    )
    assert any(
        "front matter 'duration': front matter says 60 s but media/001-welcome.mp3 lasts 6.0 s" in m
        for m in found
    )


def test_numbers_past_32_bits_are_refused(parse: Parse) -> None:
    """``episode: 99999999999999999999`` went into itunes:episode and podcast:episode as
    written, where apps keep 32 bits; the largest they keep is still taken."""
    _, problems = parse(episode=99999999999999999999, season=2**31)
    found = messages(problems)
    up_to = "expected a positive integer up to 2,147,483,647 (what podcast apps keep)"
    assert (
        f"episodes/001-welcome.md:7: front matter 'episode': {up_to}, got 99999999999999999999"
        in found
    )
    assert f"episodes/001-welcome.md:8: front matter 'season': {up_to}, got 2147483648" in found
    episode, problems = parse(episode=2**31 - 1, season=2**31 - 1)
    assert problems == [] and episode is not None and episode.number == 2**31 - 1


def test_stated_facts_that_match_are_fine(parse: Parse) -> None:
    episode, problems = parse(length=24043, type="audio/mpeg", duration="0:06")
    assert problems == [] and episode is not None


def test_numbers_types_and_flags(parse: Parse) -> None:
    _, problems = parse(episode=0, season="two", episode_type="special", explicit="yes")
    found = messages(problems)
    up_to = "expected a positive integer up to 2,147,483,647 (what podcast apps keep)"
    assert f"episodes/001-welcome.md:7: front matter 'episode': {up_to}, got 0" in found
    assert f"episodes/001-welcome.md:8: front matter 'season': {up_to}, got 'two'" in found
    assert (
        "episodes/001-welcome.md:9: front matter 'episode_type': expected full, trailer or bonus, "
        "got 'special'" in found
    )
    assert (
        "episodes/001-welcome.md:10: front matter 'explicit': expected true or false, got 'yes'"
        in found
    )


def test_serial_show_needs_episode_numbers(parse: Parse, config: Config) -> None:
    serial = replace_podcast(config, type="serial")
    _, problems = parse(config=serial, episode=None, episode_type="full")
    assert messages(problems) == [
        "episodes/001-welcome.md:7: front matter 'episode': "
        "a serial show needs an episode number on every full episode"
    ]


@pytest.mark.parametrize("kind", ["trailer", "bonus"])
def test_serial_trailer_and_bonus_may_go_unnumbered(
    parse: Parse, config: Config, kind: str
) -> None:
    serial = replace_podcast(config, type="serial")
    episode, problems = parse(config=serial, episode=None, episode_type=kind)
    assert problems == []
    assert (episode.number, episode.episode_type) == (None, kind)


def test_transcript_checks(parse: Parse, content: Path) -> None:
    _, problems = parse(transcript="media/notes.txt")
    assert "expected a .vtt or .srt file" in messages(problems)[0]
    (content / "episodes/media/fake.vtt").write_text("hello")
    _, problems = parse(transcript="media/fake.vtt")
    assert "does not look like .vtt (it should start with WEBVTT)" in messages(problems)[0]
    (content / "episodes/media/t.srt").write_text("1\n00:00:00,000 --> 00:00:02,000\nHi\n")
    episode, problems = parse(transcript="media/t.srt")
    assert problems == [] and episode.transcript.mime_type == "application/x-subrip"


def test_a_transcript_url_with_no_suffix_takes_its_type(parse: Parse) -> None:
    """``{url, type}``: Podlove's ``?podlove_transcript=webvtt`` says nothing of its kind."""
    url = "https://o.example/e1?podlove_transcript=srt"
    episode, problems = parse(transcript={"url": url, "type": "application/srt"})
    assert problems == [] and episode.transcript is not None
    assert (episode.transcript.url, episode.transcript.mime_type) == (url, "application/x-subrip")
    for bad in (
        {"url": url},
        {"url": url, "type": "application/json"},
        {"url": "notes/t", "type": "text/vtt"},
        {"url": url, "type": "text/vtt", "lang": "en"},
    ):
        _, problems = parse(transcript=bad)
        assert (
            "or {url, type} with a type of text/vtt or application/x-subrip"
            in messages(problems)[0]
        ), bad


def test_chapters_out_of_order_name_the_heading_line(parse: Parse, content: Path) -> None:
    path = content / "episodes/002-governance.md"
    text = path.read_text().replace("## 00:00:03 Lazy consensus", "## 00:00:30 Lazy consensus")
    path.write_text(text)
    _, problems = parse("002-governance.md")
    line = text.split("\n").index("## 00:00:30 Lazy consensus") + 1
    assert messages(problems)[0] == (
        f"episodes/002-governance.md:{line}: chapters: chapter 'Lazy consensus' starts at 30 s, "
        "after the audio ends (9 s)"
    )


def test_persons_location_soundbites_checked(parse: Parse) -> None:
    _, problems = parse(
        persons=[{"name": "Zed", "group": "band"}, {"nom": "x"}, {"name": "Y", "href": "/me"}],
        location="x" * 200,
        soundbites=[{"start": 5, "duration": 10}, {"start": "a"}],
    )
    found = " | ".join(messages(problems))
    assert "person 1: unknown group 'band'" in found
    assert "person 2: expected a name or a mapping with a 'name'" in found
    assert "person 3: 'href' must be an absolute http(s) URL" in found
    assert "front matter 'location': at most 128 characters, got 200" in found
    assert "soundbite 1 ends at 15 s, after the audio (6 s)" in found
    assert "soundbite 2: 'start' and 'duration' must be seconds" in found


def test_episode_image_is_checked_for_real(parse: Parse, content: Path) -> None:
    from PIL import Image

    Image.new("RGB", (500, 500)).save(content / "episodes/media/small.png")
    _, problems = parse(image="media/small.png")
    assert "artwork is 500×500 px; Apple needs a square 1400–3000 px image" in messages(problems)[0]
    _, problems = parse(image="https://cdn.example.org/art.webp")
    assert "must end in .jpg, .jpeg or .png" in messages(problems)[0]
    _, problems = parse(image="../podcast/cover.jpg")
    assert problems == []


def test_remote_audio_requires_a_duration(parse: Parse, httpserver) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request("/ep.mp3", method="HEAD").respond_with_data(
        b"\xff\xfb" * 2500, content_type="audio/mpeg"
    )
    url = httpserver.url_for("/ep.mp3")
    _, problems = parse(audio=url)
    assert "remote audio: state 'duration'" in messages(problems)[0]
    episode, problems = parse(audio=url, duration="01:02:03")
    assert problems == []
    assert (episode.audio.url, episode.audio.length, episode.audio.duration) == (url, 5000, 3723.0)
    assert episode.audio.source is None
    _, problems = parse(audio=url, duration=60, length=4999)
    assert "front matter says 4999 bytes but" in messages(problems)[0]


def test_remote_media_urls_become_uris(parse: Parse) -> None:
    """A space or an ``é`` in an enclosure URL went into the feed as written: Apple's validator
    and several podcast apps refuse it. Local files were already percent-encoded."""
    episode, problems = parse(
        audio="https://cdn.bücher.example/audio/épisode 12.mp3?token=a&x=1",
        length=1234,
        type="audio/mpeg",
        duration="00:10:00",
        transcript="https://cdn.example.org/t/ep 12.vtt",
        chapters="https://cdn.example.org/c/ep%2012.json",
    )
    assert problems == []
    assert episode.audio.url == (
        "https://cdn.xn--bcher-kva.example/audio/%C3%A9pisode%2012.mp3?token=a&x=1"
    )
    assert episode.transcript.url == "https://cdn.example.org/t/ep%2012.vtt"
    assert episode.chapters.url == "https://cdn.example.org/c/ep%2012.json"  # escapes kept


@pytest.mark.parametrize(
    ("duration", "seconds", "problem"),
    [
        ("75:00", 4500.0, ""),
        ("1:15:00", 4500.0, ""),
        (4500, 4500.0, ""),
        (0, None, "expected a duration longer than 0 seconds"),
        ("00:00:00", None, "expected a duration longer than 0 seconds"),
        ("75:61", None, "expected a duration in seconds or HH:MM:SS"),
    ],
)
def test_remote_durations(
    parse: Parse, duration: object, seconds: float | None, problem: str
) -> None:
    """``duration: 0`` reached the podcast feed as ``<itunes:duration>0``; MM:SS past an hour,
    which Apple takes, was refused."""
    episode, problems = parse(
        audio="https://cdn.example.org/ep.mp3", length=1234, type="audio/mpeg", duration=duration
    )
    if problem:
        assert problem in messages(problems)[0]
    else:
        assert problems == [] and episode.audio.duration == seconds


def test_a_length_that_is_not_bytes_is_refused_without_a_request(parse: Parse) -> None:
    # 127.0.0.1:9 (discard) is never listening: a request would fail with another message
    _, problems = parse(
        audio="http://127.0.0.1:9/ep.mp3", length="12.5MB", type="audio/mpeg", duration=60
    )
    assert (
        messages(problems) == ["expected a number of bytes like 48213447, got '12.5MB'"]
        or "expected a number of bytes like 48213447, got '12.5MB'" in messages(problems)[0]
    )
