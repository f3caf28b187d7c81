"""The bundled corpus: five UNIDO reports (this folder is installed as the package glossary.seeds, so the
command-line tool finds it wherever it is installed; the corpus reader ignores this file)."""
