"""The curated knowledge base: entry schema and files, loader and checks, answer templates,
money calculators, and the hotline catalogue (`hotlines.yaml`) every reply takes numbers from."""
