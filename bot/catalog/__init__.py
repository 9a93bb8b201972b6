"""The content store: topic models, the loader that validates `content/`, and rendering."""
