"""glossary: mine, align, version and check Chinese-English term glossaries for UN documents."""

__version__ = "0.1.0"
