"""English words around the engagement's own terms: “an objective”, “a priority”, whatever the
client renamed the parts of the plan to (Engagement.terms)."""

# Words whose first letter misleads: a vowel said like “you”/“won”, or a silent h.
SAID_WITH_A = ("uni", "use", "usu", "uti", "ura", "ure", "uro", "eu", "one", "once", "ewe", "u-")
SAID_WITH_AN = ("hour", "honest", "honor", "honour", "heir")


def article(word: str) -> str:
    """“a” or “an” for the word as it is said (a rule with the common exceptions)."""
    low = word.strip().lower()
    if low.startswith(SAID_WITH_AN):
        return "an"
    if low.startswith(SAID_WITH_A):
        return "a"
    return "an" if low[:1] in ("a", "e", "i", "o", "u") else "a"


def with_article(word: str) -> str:
    """The word after its article: with_article("action step") == "an action step"."""
    word = str(word).strip()
    return f"{article(word)} {word}" if word else ""
