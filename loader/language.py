"""Language detection of documents by lingua, loaded for the languages job profiles are written in."""
from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

#: The languages told apart; only French and English are read, the others are named in a report.
LANGUAGES = (Language.FRENCH, Language.ENGLISH, Language.GERMAN, Language.SPANISH, Language.ITALIAN,
             Language.DUTCH, Language.PORTUGUESE)
READ = ("fr", "en")
#: Enough text to decide: longer documents cost more to detect and are no better decided.
SAMPLE_CHARS = 1500
#: lingua's cost grows with the sample, so a document is first read on this many characters; only where
#: that says too little (a short or unsure answer) is it read again on ``SAMPLE_CHARS``. On the 25
#: development documents and 1,000 bench documents, 400 characters alone gave the same language as 1,500.
FIRST_CHARS = 500
#: The confidence (lingua's, relative to the other languages) above which the first sample decides.
SURE = 0.9
#: Below this many words (a list of tool names) a text says too little to be called another language.
MIN_WORDS = 20


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    # Low-accuracy mode (trigrams only) keeps the models small and still tells French from English.
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).with_low_accuracy_mode().build()


def detect_language(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language among ``LANGUAGES``; a short text is "fr" or "en"."""
    sample = text[:FIRST_CHARS]
    values = _detector().compute_language_confidence_values(sample)
    if len(text) > FIRST_CHARS and not (values and values[0].value >= SURE and len(sample.split()) >= MIN_WORDS):
        sample = text[:SAMPLE_CHARS]
        values = _detector().compute_language_confidence_values(sample)
    best = values[0].language.iso_code_639_1.name.lower() if values else "en"
    if best in READ or len(sample.split()) >= MIN_WORDS:
        return best
    ours = [v for v in values if v.language.iso_code_639_1.name.lower() in READ]
    return ours[0].language.iso_code_639_1.name.lower() if ours else "en"
