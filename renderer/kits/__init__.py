"""Brand kits: ``thumbkit kit new`` (palette, logo variants, references), previews, categories,
and rendering with a given kit."""
