"""The curated knowledge base: entry schema and files, loader and checks, answer templates."""
