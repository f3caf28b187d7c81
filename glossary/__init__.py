"""glossary: mine, align, version and check Chinese-English term glossaries for UN documents."""

__version__ = "0.1.0"

import logging as _logging

import jieba as _jieba

# jieba (also inside wordfreq) announces its dictionary loading on stderr; a CLI's stderr is for the user.
# jieba sets its logger to DEBUG when imported, so this must run after the import.
_jieba.setLogLevel(_logging.WARNING)
