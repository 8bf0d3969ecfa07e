"""Apple Podcasts' category list (the 2019 revision, still current) and its validation.

Only the first ``itunes:category`` counts at Apple; we emit one category and at most one
subcategory, and refuse names that are not on the list (the pre-2019 names included).
"""

from __future__ import annotations

CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": (
        "Books",
        "Design",
        "Fashion & Beauty",
        "Food",
        "Performing Arts",
        "Visual Arts",
    ),
    "Business": (
        "Careers",
        "Entrepreneurship",
        "Investing",
        "Management",
        "Marketing",
        "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health",
        "Fitness",
        "Medicine",
        "Mental Health",
        "Nutrition",
        "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism",
        "Christianity",
        "Hinduism",
        "Islam",
        "Judaism",
        "Religion",
        "Spirituality",
    ),
    "Science": (
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary",
        "Personal Journals",
        "Philosophy",
        "Places & Travel",
        "Relationships",
    ),
    "Sports": (
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}
"""Top-level category → its subcategories, spelled exactly as Apple spells them."""


def category_problem(category: str, subcategory: str = "") -> str | None:
    """Why ``category``/``subcategory`` is not on Apple's list, or None when it is."""
    if not category:
        return "a category is required (Apple Podcasts and Spotify list shows by category)"
    if category not in CATEGORIES:
        near = [c for c in CATEGORIES if c.lower() == category.lower()]
        hint = f"; did you mean {near[0]!r}?" if near else "; see docs/podcast.md for the list"
        parent = [c for c, subs in CATEGORIES.items() if category in subs]
        if parent:
            hint = f"; it is a subcategory of {parent[0]!r}"
        return f"unknown Apple Podcasts category {category!r}{hint}"
    if subcategory and subcategory not in CATEGORIES[category]:
        subs = ", ".join(CATEGORIES[category]) or "none"
        return (
            f"unknown subcategory {subcategory!r} of {category!r} "
            f"(Apple's subcategories of {category!r}: {subs})"
        )
    return None
