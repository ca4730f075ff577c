"""Specs: the closed layout and kit schemas, the catalog that loads and checks them, YAML with
positions and its diagnostics, Jinja2 templating of values, and ``layout="auto"``."""
