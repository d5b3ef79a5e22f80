"""Our curated data: the lexicon (data/lexicon/*.toml) and the sample documents (data/samples/).

Build outputs (the store) go under data/build/, which git ignores.
"""
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
LEXICON_DIR = DATA_DIR / "lexicon"
SAMPLES_DIR = DATA_DIR / "samples"
