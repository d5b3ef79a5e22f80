"""Our curated lexicon (lexicon/*.toml) and the sample documents we wrote (samples/): data files, no code.

Build outputs (the store) go under data/build/, which git ignores and no package ships.
"""
