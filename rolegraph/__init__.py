"""rolegraph: a knowledge graph of job roles, competencies, tools, diplomas and career paths."""
__version__ = "0.1.0"
