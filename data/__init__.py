"""The word lists and default settings of glossary (this folder is installed as the package glossary.data)."""
