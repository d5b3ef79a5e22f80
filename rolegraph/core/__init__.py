"""The ground floor: errors, settings, paths, vocabulary, naming, the store and the RDF formats.

Everything above it (queries, loader, server, cli) stands on these modules; they import nothing above.
"""
